//! A problem found in a playbook file, reported as `path:line: message`.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with one line of one playbook file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, as given to the loader (relative to where it was run).
    pub path: PathBuf,
    /// 1-based line number in that file.
    pub line: usize,
    /// What is wrong, in words a maintainer can act on.
    pub message: String,
}

impl Problem {
    /// A problem at `path:line`.
    pub fn new(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            line: line.max(1),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// The 1-based line on which byte `offset` of `text` stands.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
