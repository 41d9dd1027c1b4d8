//! Connections that send nothing, send a request head too slowly, or sit idle after an
//! answer are closed after `--idle-timeout-secs` (issue 18, finding 7): a few hundred slow
//! clients cannot hold the server's sockets.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use support::accounts::*;
use support::server::Server;

/// Longer than the server's timeout by far: a read still waiting this long means the server
/// kept the connection open.
const PATIENCE: Duration = Duration::from_secs(8);

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    stream
}

/// Reads until the server closes the connection; how long that took, or `None` when the
/// connection was still open after `PATIENCE`.
fn closed_after(stream: &mut TcpStream) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None;
            }
            // A reset is a close too.
            Err(_) => return Some(started.elapsed()),
        }
    }
}

/// Sends a whole `/healthz` request and reads its answer, keeping the connection open.
fn ask_healthz(stream: &mut TcpStream, addr: SocketAddr) {
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("asks");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let read = stream.read(&mut buffer).expect("reads");
        assert!(read > 0, "closed before answering: {answer:?}");
        answer.extend_from_slice(&buffer[..read]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
}

#[test]
fn slow_silent_and_idle_connections_are_closed_within_the_timeout() {
    let data = DataDir::new();
    let log = data.path().join("server.log");
    let server = Server::start_with(data.path(), &log, &["--idle-timeout-secs", "1"]);
    let addr = server.addr;

    // A hundred slow clients: each sends half a request head and then nothing.
    let mut slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut stream = connect(addr);
            write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").expect("writes");
            stream
        })
        .collect();
    let mut silent = connect(addr);
    let mut idle = connect(addr);
    // Within the timeout a kept-alive connection serves request after request.
    ask_healthz(&mut idle, addr);
    ask_healthz(&mut idle, addr);

    // Meanwhile others are served.
    let mut fresh = connect(addr);
    ask_healthz(&mut fresh, addr);

    for (n, stream) in slow.iter_mut().enumerate() {
        let took = closed_after(stream);
        assert!(
            took.is_some(),
            "slow connection {n} still open after {PATIENCE:?}"
        );
    }
    let took = closed_after(&mut silent);
    assert!(
        took.is_some_and(|t| t < Duration::from_secs(4)),
        "a connection that sent nothing: {took:?}"
    );
    let took = closed_after(&mut idle);
    assert!(
        took.is_some_and(|t| t < Duration::from_secs(4)),
        "an idle kept-alive connection: {took:?}"
    );
    // The server itself is unharmed.
    let mut after = connect(addr);
    ask_healthz(&mut after, addr);
    drop(server);
}
