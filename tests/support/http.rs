//! One HTTP client for servers on a real socket (hyper-util's), callable from plain threads
//! and from async tests alike, and the one raw request a test needs byte for byte.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::app::Reply;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the head, and then each piece of the body, may take to arrive.
const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// The client's own runtime: callers block on a channel, not on a runtime, so the client
/// works the same from a test thread and from inside a `#[tokio::test]`.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("test-http-client")
        .enable_all()
        .build()
        .expect("the HTTP client's runtime starts")
});

/// Sends one request over a fresh connection and reads the reply, blocking the caller.
///
/// An error means the server was unreachable or the connection ended before a status line;
/// a connection cut after the head still gives the reply with the part of the body that came.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Reply> {
    let request = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header("connection", "close");
    let request = headers
        .iter()
        .fold(request, |request, (name, value)| {
            request.header(*name, *value)
        })
        .body(Full::new(Bytes::from(body.to_owned())))
        .map_err(std::io::Error::other)?;
    let (done, answer) = std::sync::mpsc::channel();
    RUNTIME.spawn(async move {
        let _ = done.send(exchange(request).await);
    });
    answer
        .recv()
        .map_err(|_| std::io::Error::other("the HTTP client's task ended"))?
}

async fn exchange(request: hyper::Request<Full<Bytes>>) -> std::io::Result<Reply> {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
    connector.set_nodelay(true);
    // Like the browsers and tools the tests stand in for: a new connection per request.
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build(connector);
    let response = tokio::time::timeout(READ_TIMEOUT, client.request(request))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no reply head"))?
        .map_err(std::io::Error::other)?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut incoming = response.into_body();
    let mut bytes = Vec::new();
    // A reset or a stall after the head keeps what was read.
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(READ_TIMEOUT, incoming.frame()).await {
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
        }
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Ok(Reply {
        status,
        headers,
        bytes,
        body,
    })
}

/// One request with an optional Bearer token and JSON body: (status, body). Errors as
/// [`send`] does.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(authorization) = &authorization {
        headers.push(("authorization", authorization.as_str()));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        headers.push(("content-type", "application/json"));
    }
    let reply = send(addr, method, path, &headers, body)?;
    Ok((reply.status.as_u16(), reply.body))
}

/// A raw HTTP/1.1 GET over a fresh connection (`Connection: close`); status and the whole
/// response text (head and body).
///
/// Raw on purpose: the path goes out exactly as written (a client library would tidy
/// `/../` away) and the test reads the head as sent. Written with `try_write`/`try_read`
/// because the crate's tokio has no `io-util`; the server closes the connection when done.
pub async fn raw_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let exchange = async {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connect to the server");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let mut sent = 0;
        while sent < request.len() {
            stream.writable().await.expect("writable");
            match stream.try_write(&request.as_bytes()[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("send the request: {e}"),
            }
        }
        let mut response = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            stream.readable().await.expect("readable");
            match stream.try_read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => response.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("read the response: {e}"),
            }
        }
        response
    };
    let response = tokio::time::timeout(Duration::from_secs(20), exchange)
        .await
        .unwrap_or_else(|_| panic!("GET {path}: no complete answer in 20 s"));
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    (status, response)
}
