//! `playbook serve` in a child process on a port the system picks (`--addr 127.0.0.1:0`): the
//! test reads the address the server logs once it has bound, so no other process can take
//! the port in between, then waits for `/healthz`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::cli::{binary, cli_add_user};
use super::http::http;
use super::playbook::real_playbook_dir;

/// How long the server may take to bind, load and answer `/healthz`.
const START_LIMIT: Duration = Duration::from_secs(60);

/// Log filter for the child: warnings, and the serve module's lines, which name the address.
const LOG_FILTER: &str = "warn,city_playbook::web::serve=info";

/// `playbook serve` over the real playbook, killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    data: PathBuf,
    log: PathBuf,
    /// The data dir, when the server made its own.
    _data: Option<TempDir>,
}

impl Server {
    /// Starts the server over `data`, logging to `log`, and waits until `/healthz` answers.
    pub fn start(data: &Path, log: &Path) -> Server {
        Server::start_with(data, log, &[])
    }

    /// [`Server::start`] with more `serve` flags.
    pub fn start_with(data: &Path, log: &Path, flags: &[&str]) -> Server {
        Server::launch(data, log, flags, None)
    }

    /// Starts the server over a fresh temp data dir of its own (its log is in there).
    pub fn start_fresh() -> Server {
        let data = TempDir::new().expect("temp data dir");
        let (dir, log) = (data.path().to_owned(), data.path().join("server.log"));
        Server::launch(&dir, &log, &[], Some(data))
    }

    fn launch(data: &Path, log: &Path, flags: &[&str], own_data: Option<TempDir>) -> Server {
        let log_file = std::fs::File::create(log).expect("log file");
        let child = Command::new(binary())
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .arg("--playbook-dir")
            .arg(real_playbook_dir())
            .arg("--data-dir")
            .arg(data)
            .args(flags)
            .env("RUST_LOG", LOG_FILTER)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .spawn()
            .expect("the server starts");
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: data.to_owned(),
            log: log.to_owned(),
            _data: own_data,
        };
        let started = Instant::now();
        server.addr = server.wait_bound(started);
        server.wait_healthy(started);
        server
    }

    /// The address from the server's `listening` line (`addr=127.0.0.1:PORT`).
    fn wait_bound(&mut self, started: Instant) -> SocketAddr {
        loop {
            let log = self.log_text();
            let bound = log
                .lines()
                .filter(|line| line.contains("listening"))
                .find_map(|line| line.split_once("addr=")?.1.split_whitespace().next())
                .and_then(|addr| addr.parse().ok());
            if let Some(addr) = bound {
                return addr;
            }
            self.check_running();
            assert!(
                started.elapsed() < START_LIMIT,
                "the server logged no address within {START_LIMIT:?}: {log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_healthy(&mut self, started: Instant) {
        while started.elapsed() < START_LIMIT {
            self.check_running();
            if http(self.addr, "GET", "/healthz", None, None).is_ok_and(|(status, _)| status == 200)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not answer /healthz within {START_LIMIT:?}: {}",
            self.log_text()
        );
    }

    fn check_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("the server exited with {status}: {}", self.log_text());
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The data dir it serves.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Adds an editor for Minneapolis with `playbook user add`; the one-time password.
    pub fn add_editor(&self, email: &str) -> String {
        cli_add_user(&self.data, email, "minneapolis-mn", "editor")
    }

    /// Kills the process at once (SIGKILL on Unix: no shutdown code runs) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
