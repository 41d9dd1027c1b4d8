//! `Quantized`: a passage vector kept in one byte a number (each number is `value × scale`),
//! a quarter of the memory of 32-bit floats. The nearest-passage scan reads every vector for
//! every question: fewer bytes to read, and integer multiply-adds instead of floats. A unit
//! vector's numbers lie within ±1, and 255 steps keep a cosine within about 0.005 of the exact
//! one (the question is put in steps too), far below the differences that order entries.

/// A vector in 8-bit steps of `scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    /// What one step is worth.
    pub scale: f32,
    /// The numbers, in steps.
    pub values: Box<[i8]>,
}

impl Quantized {
    /// `vector` rounded to 255 steps spanning its largest number.
    pub fn new(vector: &[f32]) -> Quantized {
        let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if largest > 0.0 && largest.is_finite() {
            largest / 127.0
        } else {
            1.0
        };
        let values = vector
            .iter()
            .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
            .collect();
        Quantized { scale, values }
    }

    /// How many numbers it has.
    pub fn dims(&self) -> usize {
        self.values.len()
    }

    /// A view of it.
    pub fn view(&self) -> VectorView<'_> {
        VectorView {
            scale: self.scale,
            values: &self.values,
        }
    }

    /// The dot product of `query` with this vector.
    pub fn dot(&self, query: &QueryInSteps) -> f32 {
        dot_steps(&query.steps, &self.values) as f32 * query.scale * self.scale
    }
}

/// A quantized vector borrowed from wherever it is kept (a `Quantized`, a row of a
/// `PassageSpace`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorView<'a> {
    /// What one step is worth.
    pub scale: f32,
    /// The numbers, in steps.
    pub values: &'a [i8],
}

/// A question's vector in the same 8-bit steps, widened to 16 bits once so the scan multiplies
/// integers: the compiler turns `dot_steps` into multiply-adds of 16-bit pairs even without
/// newer instruction sets, several times faster than converting each step to a float.
#[derive(Debug, Clone)]
pub struct QueryInSteps {
    scale: f32,
    steps: Vec<i16>,
}

impl QueryInSteps {
    /// `vector` in steps.
    pub fn new(vector: &[f32]) -> QueryInSteps {
        let quantized = Quantized::new(vector);
        QueryInSteps {
            scale: quantized.scale,
            steps: quantized.values.iter().map(|&v| i16::from(v)).collect(),
        }
    }

    /// A stored vector as a question: the graph of passages asks with a passage's own
    /// vector when it links it in.
    pub fn from_view(vector: VectorView<'_>) -> QueryInSteps {
        QueryInSteps {
            scale: vector.scale,
            steps: vector.values.iter().map(|&v| i16::from(v)).collect(),
        }
    }

    /// How many numbers it has.
    pub fn dims(&self) -> usize {
        self.steps.len()
    }

    /// Its dot product with `vector`.
    pub fn dot_view(&self, vector: VectorView<'_>) -> f32 {
        self.dot_row(vector.values, vector.scale)
    }

    /// Its dot product with the row `steps` worth `scale` a step.
    pub fn dot_row(&self, steps: &[i8], scale: f32) -> f32 {
        dot_steps(&self.steps, steps) as f32 * self.scale * scale
    }
}

/// The dot product of two vectors in steps: the inner loop of every question's scan. At most
/// 127 × 127 × the length, far inside an `i32` at 384 numbers. Written as a plain sum, which
/// the compiler vectorizes into 16-bit multiply-adds: hand-made running sums ran two and a
/// half times slower (measured on AVX2). Never inlined: inlined into the scan's loop, the
/// compiler no longer vectorizes it (a fifth of the speed, measured). Compiled also for wider
/// vector instructions (AVX2, AVX-512), picked at run time when the processor has them.
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512bw+avx2",
    "x86_64+avx2",
    "aarch64+neon"
))]
#[inline(never)]
pub fn dot_steps(query: &[i16], steps: &[i8]) -> i32 {
    query
        .iter()
        .zip(steps)
        .map(|(q, s)| i32::from(*q) * i32::from(*s))
        .sum()
}

/// The dot product of two stored vectors (`VectorView`s), as `dot_steps` computes it.
pub fn dot_views(a: VectorView<'_>, b: VectorView<'_>) -> f32 {
    dot_stored_steps(a.values, b.values) as f32 * a.scale * b.scale
}

/// The dot product of two rows of steps (both 8-bit). As `dot_steps`, never inlined and
/// compiled for wider vector instructions too.
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512bw+avx2",
    "x86_64+avx2",
    "aarch64+neon"
))]
#[inline(never)]
fn dot_stored_steps(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| i32::from(i16::from(*x) * i16::from(*y)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::dot;

    fn unit(seed: u64, dims: usize) -> Vec<f32> {
        let mut state = seed.max(1);
        let v: Vec<f32> = (0..dims)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 2_000) as f32 / 1_000.0 - 1.0
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / norm).collect()
    }

    #[test]
    fn a_quantized_cosine_stays_within_half_a_percent() {
        for seed in 1..200u64 {
            let (a, b) = (unit(seed, 384), unit(seed * 7919, 384));
            // Make some pairs close, as a question and its answer are.
            let close: Vec<f32> = a.iter().zip(&b).map(|(x, y)| 0.8 * x + 0.2 * y).collect();
            for other in [&b, &close] {
                let exact = dot(&a, other);
                let quantized = Quantized::new(other).dot(&QueryInSteps::new(&a));
                assert!(
                    (exact - quantized).abs() < 0.005,
                    "seed {seed}: {exact} vs {quantized}"
                );
            }
        }
    }

    #[test]
    fn odd_lengths_and_zero_vectors() {
        for dims in [0, 1, 7, 9, 385] {
            let v = unit(3, dims);
            let q = Quantized::new(&v);
            assert_eq!(q.dims(), dims);
            if dims > 0 {
                assert!(
                    (q.dot(&QueryInSteps::new(&v)) - 1.0).abs() < 0.01,
                    "length {dims}"
                );
            }
        }
        let (a, b) = (Quantized::new(&unit(5, 385)), Quantized::new(&unit(6, 385)));
        let asked = QueryInSteps::from_view(a.view());
        assert!((dot_views(a.view(), b.view()) - b.dot(&asked)).abs() < 1e-6);
        assert!((asked.dot_view(a.view()) - 1.0).abs() < 0.01);
        let zero = Quantized::new(&[0.0, 0.0]);
        assert_eq!(zero.dot(&QueryInSteps::new(&[1.0, 1.0])), 0.0);
    }
}
