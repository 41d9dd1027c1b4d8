//! A fresh PostgreSQL database for a test, on the machine's server: made from the admin
//! connection `PLAYBOOK_TEST_POSTGRES` (default `postgres://root@127.0.0.1:5432/postgres`)
//! and dropped when the test is done. Without a reachable server a test skips, saying why;
//! under CI (`CI` set) it fails instead.

use std::sync::atomic::{AtomicU32, Ordering};

/// The admin connection's default.
const DEFAULT_ADMIN_URL: &str = "postgres://root@127.0.0.1:5432/postgres";

/// A database made for one test.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    admin_url: String,
}

fn admin_url() -> String {
    std::env::var("PLAYBOOK_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// Runs SQL statements on `url`, one after another, on a thread of its own (so any test,
/// async or not, may call it).
pub fn run_sql(url: &str, statements: &[String]) -> Result<(), String> {
    let (url, statements) = (url.to_owned(), statements.to_vec());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let mut config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
            config.connect_timeout(std::time::Duration::from_secs(3));
            let (client, connection) = config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            for sql in &statements {
                client.batch_execute(sql).await.map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    })
    .join()
    .map_err(|_| "the SQL thread panicked".to_owned())?
}

impl TestDatabase {
    /// A new, empty database; None (after saying why) when no server answers and this is not
    /// CI.
    pub fn create() -> Option<TestDatabase> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let admin_url = admin_url();
        let name = format!(
            "playbook_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let made = run_sql(
            &admin_url,
            &[
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ],
        );
        if let Err(e) = made {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL is required in CI but {admin_url} did not answer: {e}"
            );
            eprintln!(
                "skipped: no PostgreSQL server at {admin_url} ({e}); set PLAYBOOK_TEST_POSTGRES"
            );
            return None;
        }
        let url = match admin_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("PLAYBOOK_TEST_POSTGRES must name a database: {admin_url}"),
        };
        Some(TestDatabase {
            url,
            name,
            admin_url,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = run_sql(
            &self.admin_url,
            &[format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )],
        );
    }
}
