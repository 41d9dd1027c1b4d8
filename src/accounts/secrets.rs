//! Secrets: password hashing (argon2id), one-time passwords, API and session tokens.
//! Only hashes are stored; a token or password is shown once, when it is made.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// The prefix of every API token, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "cpb_";
/// The shortest password a user may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The system's random source failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// `len` random bytes.
pub fn random_bytes(len: usize) -> Result<Vec<u8>, SecretError> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes)
}

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> Result<String, SecretError> {
    Ok(hex(&random_bytes(bytes)?))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a high-entropy token, as stored (tokens are random, so a fast hash is safe).
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new API token: (the token, its displayable prefix, its hash). 256 random bits.
pub fn new_api_token() -> Result<(String, String, String), SecretError> {
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    let prefix = token[..TOKEN_PREFIX.len() + 8].to_owned();
    let hash = hash_token(&token);
    Ok((token, prefix, hash))
}

/// The prefix of private feed tokens (they read; they never write).
pub const FEED_TOKEN_PREFIX: &str = "cpbf_";

/// A new private feed token: (the token, its hash). 256 random bits.
pub fn new_feed_token() -> Result<(String, String), SecretError> {
    let token = format!("{FEED_TOKEN_PREFIX}{}", random_hex(32)?);
    let hash = hash_token(&token);
    Ok((token, hash))
}

/// A one-time password to hand over: 20 characters from an unambiguous alphabet (~100 bits).
pub fn new_one_time_password() -> Result<String, SecretError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes(20)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// The argon2id hash of a password, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    let salt =
        SaltString::encode_b64(&random_bytes(16)?).map_err(|e| SecretError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash to verify against when the email is unknown, so both failures take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// Whether a chosen password is acceptable; the reason when not.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.len() > 1024 {
        return Err("use at most 1024 bytes".into());
    }
    let lowered = password.to_lowercase();
    let mut distinct: Vec<char> = lowered.chars().filter(|c| !c.is_whitespace()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return Err(format!(
            "use at least {MIN_DISTINCT_CHARS} different characters, not a repeated few"
        ));
    }
    let squashed: String = lowered.chars().filter(|c| !c.is_whitespace()).collect();
    let common = COMMON_PASSWORDS
        .iter()
        .any(|common| squashed.contains(common))
        || is_run(&squashed);
    if common {
        return Err("it is one of the most common passwords; choose one nobody would guess".into());
    }
    Ok(())
}

/// The fewest different characters a password may have.
const MIN_DISTINCT_CHARS: usize = 5;

/// Rows of keys and digits people type in order; a password that is a stretch of one is
/// common.
const KEYBOARD_RUNS: &[&str] = &[
    "1234567890123456789012345678901234567890",
    "0987654321098765432109876543210987654321",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjkl",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
    "qazwsxedcrfvtgbyhnujmikolpqazwsxedcrfvtgbyhnujm",
];

/// Whether `text` is a stretch of one of `KEYBOARD_RUNS`.
fn is_run(text: &str) -> bool {
    KEYBOARD_RUNS.iter().any(|run| run.contains(text))
}

/// Words at the heart of the most common leaked passwords; a password containing one as its
/// whole is common however it is padded with the few distinct characters allowed around it.
const COMMON_PASSWORDS: &[&str] = &[
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou123",
    "qwertyuiop",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "letmein1234",
    "welcome1234",
    "administrator",
    "changeme123",
    "trustno1234",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "starwars1234",
    "whatever1234",
    "superman1234",
    "michael12345",
    "dragon123456",
    "monkey123456",
    "master123456",
    "shadow123456",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong"));
        assert!(!verify_password("garbage", "anything"));
    }

    #[test]
    fn trivial_passwords_are_refused() {
        for trivial in [
            "aaaaaaaaaaaa",
            "           x",
            "abababababab",
            "123456789012",
            "qwertyuiopas",
            "Password1234",
            "abcdefghijkl",
        ] {
            assert!(check_new_password(trivial).is_err(), "{trivial:?}");
        }
        for fine in [
            "harbor ferry lantern 7",
            "Minneapolis-guard-2026!",
            "vG3#pL9!xQ2z",
        ] {
            assert!(check_new_password(fine).is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let (token, prefix, hash) = new_api_token().expect("token");
        let (other, _, _) = new_api_token().expect("token");
        assert_ne!(token, other);
        assert_eq!(token.len(), TOKEN_PREFIX.len() + 64);
        assert!(token.starts_with(&prefix));
        assert_eq!(hash, hash_token(&token));
        assert_ne!(hash, token);
    }
}
