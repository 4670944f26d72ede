//! Polling instead of sleeping: the window loads asynchronously, and a fixed sleep is either
//! flaky or slow.

use std::future::Future;
use std::time::{Duration, Instant};

/// Retries `check` until it returns `Some`, or panics after `timeout` with `what` and the last
/// value seen, so a failure says what the page showed instead.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        match check().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Waits until a TCP port accepts connections (a server has started).
pub async fn port_open(port: u16, timeout: Duration) {
    until(
        &format!("port {port} to accept connections"),
        timeout,
        || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        },
    )
    .await
}
