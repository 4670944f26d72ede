//! `patchbay request`, `patchbay test` and `patchbay history`.
//!
//! Preparing and recording are synchronous calls into the core; sending runs on a current-thread
//! tokio runtime, with Ctrl-C cancelling it. Everything printed comes from the core already
//! masked; the only way to see a secret is `--as-curl --reveal`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use patchbay_core::model::KeyValue;
use patchbay_core::request::{
    to_curl, CancellationToken, ExecuteOptions, HistoryEntry, HttpVersionPref, MadeBy, Outcome,
    RequestBody, RequestSpec, Reveal,
};
use patchbay_core::{Patchbay, Sent};
use serde::Serialize;

use crate::cli::{HistoryArgs, HttpVersionArg, RequestArgs, TestArgs};
use crate::output;

pub fn request(pb: &Patchbay, args: RequestArgs) -> Result<()> {
    let mut spec = RequestSpec::new(args.method.clone(), args.path.clone());
    spec.headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<_>>()?;
    spec.query = args
        .query
        .iter()
        .map(|q| parse_pair(q, "-q/--query"))
        .collect::<Result<_>>()?;
    spec.body = body(&args)?;
    if args.as_curl {
        let prepared = pb.prepare_request(&args.connection, spec)?;
        let reveal = if args.reveal { Reveal::Yes } else { Reveal::No };
        println!("{}", to_curl(&prepared, reveal));
        return Ok(());
    }
    let opts = ExecuteOptions {
        timeout: seconds(args.timeout)?,
        max_body_bytes: args.max_body,
        http_version: match args.http_version {
            HttpVersionArg::Auto => HttpVersionPref::Auto,
            HttpVersionArg::Http1 => HttpVersionPref::Http1Only,
            HttpVersionArg::Http2 => HttpVersionPref::Http2Only,
        },
        ..ExecuteOptions::default()
    };
    let cancel = CancellationToken::new();
    let sending = pb.send(&args.connection, spec, &opts, &cancel, MadeBy::User);
    let outcome = cancellable(&cancel, sending)?;
    if args.json {
        output::json(&outcome)?;
    } else {
        print_response(&outcome)?;
    }
    match &outcome.error {
        Some(e) => bail!("{}\n  what to check: {}", e.message, e.hint),
        None => Ok(()),
    }
}

pub fn test(pb: &Patchbay, args: TestArgs) -> Result<()> {
    let opts = ExecuteOptions {
        timeout: seconds(args.timeout)?,
        ..ExecuteOptions::default()
    };
    let target = args.action.as_deref();
    let cancel = CancellationToken::new();
    let sending = pb.send_test(&args.connection, target, &opts, &cancel, MadeBy::User);
    let outcome = cancellable(&cancel, sending)?;
    let connection = pb.get_connection(&args.connection)?;
    if args.json.json {
        #[derive(Serialize)]
        struct Tested<'a> {
            connection: &'a patchbay_core::model::Connection,
            outcome: &'a Outcome,
        }
        output::json(&Tested {
            connection: &connection,
            outcome: &outcome,
        })?;
    } else if outcome.is_success() {
        println!(
            "ok: '{}' answered {} to {} {} in {:.0} ms",
            connection.name,
            outcome.summary(),
            outcome.request.method,
            outcome.request.url,
            outcome.timing.total_ms
        );
    }
    if outcome.is_success() {
        return Ok(());
    }
    let hint = outcome
        .error
        .as_ref()
        .map(|e| format!("\n  what to check: {}", e.hint))
        .unwrap_or_default();
    bail!(
        "'{}' is failing: {} ({} {}){hint}",
        connection.name,
        outcome.summary(),
        outcome.request.method,
        outcome.request.url
    )
}

pub fn history(pb: &Patchbay, args: HistoryArgs) -> Result<()> {
    let entries = pb.history(args.connection.as_deref(), args.limit)?;
    if args.json.json {
        return output::json(&entries);
    }
    if entries.is_empty() {
        println!("No requests yet. Send one with `patchbay request CONNECTION GET /path`.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries.iter().map(history_row).collect();
    output::table(
        &[
            "WHEN",
            "CONNECTION",
            "BY",
            "METHOD",
            "URL",
            "STATUS",
            "MS",
            "SIZE",
        ],
        &rows,
    );
    Ok(())
}

fn history_row(e: &HistoryEntry) -> Vec<String> {
    let status = match (&e.status, &e.error) {
        (_, Some(err)) => err.kind.as_str().to_string(),
        (Some(s), None) => s.to_string(),
        (None, None) => "-".into(),
    };
    let mut url = e.url.clone();
    if e.hops.iter().any(|h| h.credentials_dropped) {
        url.push_str(" (redirected; credentials dropped)");
    }
    vec![
        e.created_at.clone(),
        e.connection.clone(),
        e.made_by.as_str().to_string(),
        e.method.clone(),
        url,
        status,
        format!("{:.0}", e.timing.total_ms),
        e.response_size
            .map_or_else(|| "-".into(), |s| s.to_string()),
    ]
}

/// Runs a send on a current-thread runtime; Ctrl-C cancels it (the outcome then says so).
/// History that could not be written is reported and the response is still shown.
fn cancellable(
    cancel: &CancellationToken,
    send: impl std::future::Future<Output = patchbay_core::Result<Sent>>,
) -> Result<Outcome> {
    let sent = super::block_on(async {
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        send.await
    })??;
    for w in &sent.history_warnings {
        eprintln!("warning: the request was not saved to history: {w}");
    }
    Ok(sent.outcome)
}

/// Status, hops and timing to stderr; the (masked, capped) body to stdout.
fn print_response(o: &Outcome) -> Result<()> {
    let mut err = std::io::stderr().lock();
    for hop in o.hops.iter().filter(|h| h.location.is_some()) {
        writeln!(
            err,
            "redirect {}: {} {} -> {}{}",
            hop.number,
            hop.status.map_or_else(|| "-".into(), |s| s.to_string()),
            hop.url,
            hop.location.as_deref().unwrap_or(""),
            if o.hops
                .get(hop.number as usize)
                .is_some_and(|next| next.credentials_dropped)
            {
                format!(
                    " (credentials dropped at hop {}: other origin)",
                    hop.number + 1
                )
            } else {
                String::new()
            }
        )?;
    }
    let Some(resp) = &o.response else {
        return Ok(());
    };
    let t = &o.timing;
    let mut timing = format!("{:.1} ms", t.total_ms);
    let mut parts = Vec::new();
    if let Some(v) = t.dns_connect_ms {
        parts.push(format!("dns+connect {v:.1}"));
    }
    if let Some(v) = t.tls_ms {
        parts.push(format!("tls {v:.1}"));
    }
    if let Some(v) = t.ttfb_ms {
        parts.push(format!("first byte {v:.1}"));
    }
    if !parts.is_empty() {
        timing.push_str(&format!(" ({})", parts.join(", ")));
    }
    writeln!(
        err,
        "{} {} {} · {timing} · {} bytes{}",
        resp.http_version,
        resp.status,
        resp.reason,
        resp.body.size,
        if resp.body.truncated {
            format!(
                " (body cut at {} bytes; raise --max-body to keep more)",
                resp.body.data.len()
            )
        } else {
            String::new()
        }
    )?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(&resp.body.data);
    let _ = out.flush();
    Ok(())
}

fn body(args: &RequestArgs) -> Result<RequestBody> {
    if let Some(json) = &args.body_json {
        return Ok(RequestBody::Json(json.clone()));
    }
    if !args.form.is_empty() {
        let pairs = args
            .form
            .iter()
            .map(|f| parse_pair(f, "--form"))
            .collect::<Result<_>>()?;
        return Ok(RequestBody::Form(pairs));
    }
    Ok(match args.body.as_deref() {
        None => RequestBody::None,
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(patchbay_core::request::MAX_REQUEST_BODY + 1)
                .read_to_end(&mut bytes)
                .context("reading the body from stdin")?;
            RequestBody::Bytes {
                content_type: None,
                bytes,
            }
        }
        Some(arg) if arg.starts_with('@') => RequestBody::File(PathBuf::from(&arg[1..])),
        Some(text) => RequestBody::Text {
            content_type: None,
            text: text.to_string(),
        },
    })
}

fn parse_header(raw: &str) -> Result<KeyValue> {
    match raw.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => Ok(KeyValue {
            name: name.trim().to_string(),
            value: value.trim_start().to_string(),
        }),
        _ => bail!("-H takes 'Name: value' (a header name, a colon, then the value)"),
    }
}

fn parse_pair(raw: &str, flag: &str) -> Result<KeyValue> {
    match raw.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok(KeyValue {
            name: k.to_string(),
            value: v.to_string(),
        }),
        _ => bail!("{flag} takes KEY=VALUE (with a '=' after a non-empty key)"),
    }
}

fn seconds(secs: f64) -> Result<Duration> {
    if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
        bail!("--timeout takes a number of seconds between 0 and 86400, e.g. 30 or 2.5");
    }
    Ok(Duration::from_secs_f64(secs))
}
