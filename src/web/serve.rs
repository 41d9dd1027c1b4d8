//! Running the server: bind, serve (see `connections`), and shut down gracefully on Ctrl-C or SIGTERM.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use tokio::net::TcpListener;

use super::connections::serve_connections;
use super::routes::build_router;
use super::state::AppState;
use crate::config::Config;

/// Binds, loads the app and serves it until a shutdown signal.
///
/// Binding comes first so the address actually bound (`--addr 127.0.0.1:0` picks a free
/// port) is logged before the possibly slow load; connections made meanwhile wait in the
/// listen queue and are answered once the app is ready.
pub async fn serve(mut config: Config) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.server.addr).await?;
    let addr = listener.local_addr()?;
    // Links made from the address (when no public URL is set) name the port really bound.
    config.server.addr = addr;
    tracing::info!(%addr, "listening; loading the playbook");
    let state = tokio::task::spawn_blocking(move || AppState::load(config)).await??;
    state.warm_index_in_background();
    super::replica::follow_the_store(&state);
    tracing::info!(%addr, "City Playbook is serving");
    let idle_timeout = state.config.idle_timeout();
    serve_connections(
        listener,
        build_router(state),
        idle_timeout,
        shutdown_signal(),
    )
    .await;
    tracing::info!("shut down");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Probes `GET /healthz` at `addr` (an unspecified address means this machine); for the
/// container's health check, which has no curl.
pub fn healthcheck(addr: SocketAddr) -> Result<(), String> {
    let mut target = addr;
    if target.ip().is_unspecified() {
        target.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&target, timeout)
        .map_err(|e| format!("cannot connect to {target}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .take(64 * 1024)
        .read_to_string(&mut response)
        .map_err(|e| format!("no answer from {target}: {e}"))?;
    let status_ok = response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200");
    let body_ok = response
        .split("\r\n\r\n")
        .nth(1)
        .is_some_and(|body| body.trim() == "ok");
    if status_ok && body_ok {
        Ok(())
    } else {
        Err(format!(
            "unhealthy answer from {target}: {}",
            response.lines().next().unwrap_or("")
        ))
    }
}
