//! A small HTTP/1.1 API on 127.0.0.1 for the window tests: it records what it received (so a
//! test can check the upstream got the real key) and answers `/api/me` with a JSON echo of the
//! request and `/api/big` with a JSON document of about 20 MB. One thread per connection,
//! `Connection: close`: enough for a test, nothing to configure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One request as received: method, target and headers (lower-cased names).
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct ApiServer {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Bytes of `/api/big` (20 MiB of JSON).
pub const BIG_BYTES: usize = 20 * 1024 * 1024;

impl ApiServer {
    pub fn start() -> ApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test API");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let big = Arc::new(big_json());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                let big = Arc::clone(&big);
                std::thread::spawn(move || {
                    let _ = answer(stream, &log, &big);
                });
            }
        });
        ApiServer { port, seen }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<Seen>>, big: &[u8]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let seen = Seen {
        method,
        target,
        headers,
    };
    if let Ok(mut l) = log.lock() {
        l.push(seen.clone());
    }
    let path = seen.target.split('?').next().unwrap_or_default();
    let echo;
    let payload: &[u8] = match path {
        "/api/big" => big,
        _ => {
            echo = serde_json::json!({
                "method": seen.method,
                "path": path,
                "headers": seen.headers.iter().map(|(n, v)| serde_json::json!([n, v])).collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&body),
            })
            .to_string();
            echo.as_bytes()
        }
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        payload.len()
    )?;
    out.write_all(payload)?;
    out.flush()
}

/// A JSON array of records, about [`BIG_BYTES`] long, minified (one line).
fn big_json() -> Vec<u8> {
    let mut out = Vec::with_capacity(BIG_BYTES + 1024);
    out.push(b'[');
    let mut i = 0u64;
    while out.len() < BIG_BYTES {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(
            format!(r#"{{"id":{i},"name":"record {i}","tags":["alpha","beta"],"active":true}}"#)
                .as_bytes(),
        );
        i += 1;
    }
    out.push(b']');
    out
}
