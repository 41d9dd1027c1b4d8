//! The `playbook` binary run as a command over the real playbook and a data dir.

use std::path::Path;
use std::process::{Command, Output};

use super::playbook::real_playbook_dir;

/// The `playbook` binary built for these tests.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_playbook")
}

/// A finished command's standard output, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A finished command's standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `playbook ARGS --playbook-dir <real playbook> --data-dir DATA`.
pub fn cli_output(data: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .arg("--playbook-dir")
        .arg(real_playbook_dir())
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the playbook binary runs")
}

/// Runs a `playbook` command that must succeed; its standard output.
pub fn cli(data: &Path, args: &[&str]) -> String {
    let output = cli_output(data, args);
    assert!(
        output.status.success(),
        "playbook {args:?} failed: {}\n{}",
        stderr(&output),
        stdout(&output)
    );
    stdout(&output)
}

/// `playbook user add`; the one-time password (the last line it prints).
pub fn cli_add_user(data: &Path, email: &str, jurisdiction: &str, role: &str) -> String {
    let out = cli(
        data,
        &[
            "user",
            "add",
            "--email",
            email,
            "--jurisdiction",
            jurisdiction,
            "--role",
            role,
        ],
    );
    let password = out.lines().last().unwrap_or("").trim().to_owned();
    assert!(password.len() >= 12, "no one-time password in {out:?}");
    password
}

/// `playbook token create`; the token.
pub fn cli_create_token(data: &Path, email: &str) -> String {
    let token = cli(data, &["token", "create", "--email", email])
        .trim()
        .to_owned();
    assert!(token.starts_with("cpb_"), "not a token: {token:?}");
    token
}
