//! Attacks on the OAuth client through the `patchbay` command, against a real authorization
//! server (oidc-provider on 127.0.0.1) and scripted endpoints of the core's test server:
//! - a mix-up (a redirect whose RFC 9207 `iss` names another server) and a missing `iss` where
//!   the provider always sends one are refused at the loopback listener; nothing is exchanged
//!   or stored; the provider's own `iss` completes the login;
//! - types whose extra parameters duplicate protocol ones are refused, naming the parameter;
//! - a token endpoint answering 5 MB or an endless body is refused quickly with bounded memory.

mod common;
#[path = "../../patchbay-core/tests/support/server.rs"]
mod server;

use common::oauth_flow::{captured_login, get, login, process, request_me, with_iss};
use common::oidc::OidcServer;
use common::{stderr, Env};
use serde_json::Value;

/// The oidc-provider type with `oauth_config` keys added or replaced.
fn type_with(server: &OidcServer, slug: &str, config: Value) -> Value {
    let mut def = server.type_def(slug, "oauth2_authorization_code", "basic_header");
    for (k, v) in config.as_object().unwrap() {
        def["auth_patterns"][0]["oauth_config"][k] = v.clone();
    }
    def
}

#[test]
fn redirects_from_another_issuer_or_without_a_required_iss_are_refused_and_store_nothing() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let env = Env::new();
    // `acme`: no issuer configured (derived from the authorize endpoint's origin).
    env.create_type(&server.type_def("acme", "oauth2_authorization_code", "basic_header"));
    let port: u16 = server.issuer.rsplit(':').next().unwrap().parse().unwrap();
    let other_port = format!("http://127.0.0.1:{}", port.wrapping_add(1).max(1));
    let slash = format!("{}/", server.issuer);
    let path = format!("{}/other-tenant", server.issuer);
    // The type `strict` is created after the `acme` cases have run.
    for (slug, iss, why) in [
        ("acme", Some("https://attacker.example"), "mix-up"),
        ("acme", Some(other_port.as_str()), "mix-up"),
        ("acme", Some(""), "mix-up"),
        ("strict", Some("https://attacker.example"), "mix-up"),
        ("strict", Some(slash.as_str()), "mix-up"),
        ("strict", Some(path.as_str()), "mix-up"),
        ("strict", None, "no 'iss'"),
    ] {
        if slug == "strict" && !env.slugs().iter().any(|s| s == "strict") {
            // `strict`: the provider's issuer, which always sends `iss` (as its discovery says).
            env.create_type(&type_with(
                &server,
                "strict",
                serde_json::json!({
                    "issuer": server.issuer,
                    "authorization_response_iss_parameter_supported": true
                }),
            ));
        }
        let (child, real) = captured_login(&env, slug, "x");
        assert!(
            real.contains("iss="),
            "oidc-provider sends iss (RFC 9207): {real}"
        );
        let tampered = with_iss(&real, iss);
        let (status, page) = get(&tampered);
        assert_eq!(status, 400, "{slug} {iss:?}: {page}");
        assert!(page.contains(why), "{slug} {iss:?}: {page}");
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{slug} {iss:?}");
        let err = stderr(&out);
        assert!(
            err.contains(why) && err.contains("nothing was stored"),
            "{slug} {iss:?}: {err}"
        );
        assert!(env
            .json(&["connections", "list", "--json"])
            .as_array()
            .unwrap()
            .is_empty());
        assert_eq!(
            server.grants("authorization_code"),
            0,
            "{slug} {iss:?}: the code was exchanged"
        );
        // The login ended: the genuine redirect afterwards reaches nothing.
        let u = url::Url::parse(&real).unwrap();
        assert!(
            std::net::TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).is_err(),
            "the listener stopped"
        );
    }

    // The provider's own `iss`, configured or derived, completes the login.
    for (slug, name) in [("strict", "s"), ("acme", "a")] {
        let (child, real) = captured_login(&env, slug, name);
        let (status, page) = get(&real);
        assert_eq!(status, 200, "{page}");
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // And the whole flow with the scripted browser delivering the redirect itself.
    let out = login(
        &env,
        "strict",
        "full",
        "patchbay-basic",
        "test-client-secret",
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(request_me(&env, "full").status.success());
    assert_eq!(server.grants("authorization_code"), 3);
}

#[test]
fn types_with_extra_parameters_that_duplicate_protocol_ones_are_refused() {
    // No server needed: the type is refused before anything is sent.
    let issuer = "http://127.0.0.1:9";
    let base = |list: &str, name: &str, value: &str| {
        let mut params = serde_json::Map::new();
        params.insert(name.to_string(), Value::from(value));
        serde_json::json!({
            "slug": "dup",
            "display_name": "Duplicate parameters",
            "base_url": format!("{issuer}/api"),
            "auth_patterns": [{
                "type": "oauth2_authorization_code",
                "oauth_config": {
                    "authorize_uri": format!("{issuer}/auth"),
                    "token_uri": format!("{issuer}/token"),
                    list: params,
                    "redirect_style": "loopback"
                }
            }]
        })
    };
    let env = Env::new();
    for (list, name, value) in [
        ("authorize_params", "state", "fixed-state"),
        ("authorize_params", "code_challenge_method", "plain"),
        (
            "authorize_params",
            "redirect_uri",
            "https://attacker.example/cb",
        ),
        ("authorize_params", "Client_ID", "someone-else"),
        ("authorize_params", "response_type", "token"),
        ("authorize_params", "scope", "admin"),
        (
            "authorize_params",
            "request_uri",
            "https://attacker.example/req",
        ),
        ("token_params", "code_verifier", "known"),
        ("token_params", "grant_type", "password"),
        ("token_params", "client_secret", "x"),
        ("token_params", "client_assertion_type", "x"),
        ("token_params", "refresh_token", "x"),
    ] {
        let def = base(list, name, value);
        let want = format!("auth_patterns[0].oauth_config.{list}.{name}");
        let file = env.write_json("dup.json", &def);
        let out = env
            .cmd()
            .args(["types", "create", "--file"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{list}.{name} was accepted");
        let err = stderr(&out);
        assert!(
            err.contains(&want) && err.contains("protocol"),
            "{want}: {err}"
        );
        let out = env.import("dup-bundle.json", &[def], &[]);
        assert!(!out.status.success(), "{list}.{name} was imported");
        assert!(stderr(&out).contains(&want), "{want}: {}", stderr(&out));
        assert!(
            !env.slugs().iter().any(|s| s == "dup"),
            "{want}: a type was stored"
        );
    }
    // Ordinary extra parameters are fine.
    let mut ok = base("authorize_params", "access_type", "offline");
    ok["auth_patterns"][0]["oauth_config"]["token_params"] =
        serde_json::json!({"audience": "https://api.example"});
    env.create_type(&ok);

    // An issuer is an https (or loopback http) URL without query; requiring iss needs one.
    for (config, want) in [
        (
            serde_json::json!({"authorization_response_iss_parameter_supported": true}),
            "oauth_config.issuer",
        ),
        (
            serde_json::json!({"issuer": "http://idp.example"}),
            "oauth_config.issuer",
        ),
        (
            serde_json::json!({"issuer": "https://idp.example/?x=1"}),
            "oauth_config.issuer",
        ),
    ] {
        let mut def = base("token_params", "audience", "a");
        def["slug"] = "iss".into();
        for (k, v) in config.as_object().unwrap() {
            def["auth_patterns"][0]["oauth_config"][k] = v.clone();
        }
        let file = env.write_json("iss.json", &def);
        let out = env
            .cmd()
            .args(["types", "create", "--file"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{config} was accepted");
        assert!(stderr(&out).contains(want), "{config}: {}", stderr(&out));
    }
}

/// Waits for `child`, polling its resident memory; kills it when it passes `kill_above` bytes
/// (so a body read without a cap cannot take the machine down). Returns the peak (`VmHWM`) and
/// the output.
fn watch_memory(mut child: std::process::Child, kill_above: u64) -> (u64, std::process::Output) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    while child.try_wait().unwrap().is_none() {
        let field = |name: &str| {
            std::fs::read_to_string(&status_file).ok().and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
        };
        if let Some(hwm) = field("VmHWM:") {
            peak_kib = peak_kib.max(hwm);
        }
        if peak_kib * 1024 > kill_above {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    (peak_kib * 1024, child.wait_with_output().unwrap())
}

#[test]
fn a_5_mb_or_endless_token_answer_is_refused_quickly_with_bounded_memory() {
    use std::io::Write;
    const KILL_ABOVE: u64 = 512 * 1024 * 1024;
    let server = server::TestServer::start();
    let env = Env::new();
    let mut peaks = Vec::new();
    for (slug, path) in [
        ("small", "/queued"),
        ("endless", "/big?bytes=18446744073709551615"),
        ("five", "/big?bytes=5000000"),
        ("declared", "/big?bytes=5000000&length=1"),
    ] {
        env.create_type(&serde_json::json!({
            "slug": slug,
            "display_name": slug,
            "base_url": format!("{}/api", server.url()),
            "auth_patterns": [{
                "type": "oauth2_client_credentials",
                "oauth_config": {"token_uri": format!("{}{path}", server.url())}
            }]
        }));
        // `small`: the baseline, a token endpoint that refuses the client.
        server.queue_json(401, r#"{"error":"invalid_client"}"#);
        let mut child = process(&env)
            .args([
                "connect",
                slug,
                "--name",
                slug,
                "--field",
                "client_id=svc",
                "--secret",
                "client_secret",
            ])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"svc-secret\n")
            .unwrap();
        let started = std::time::Instant::now();
        let (peak, out) = watch_memory(child, KILL_ABOVE);
        let took = started.elapsed();
        assert!(
            peak < KILL_ABOVE,
            "{slug}: killed at {peak} bytes of memory"
        );
        assert_eq!(out.status.code(), Some(1), "{slug}: {}", stderr(&out));
        if slug != "small" {
            assert!(
                stderr(&out).contains("the token endpoint's answer is larger than 1 MiB"),
                "{slug}: {}",
                stderr(&out)
            );
        }
        assert!(
            took < std::time::Duration::from_secs(15),
            "{slug}: took {took:?}"
        );
        eprintln!("{slug}: peak RSS {:.1} MiB", peak as f64 / 1048576.0);
        peaks.push(peak);
    }
    // What a refused answer adds over a 30-byte one stays within a few times the 1 MiB cap.
    for p in &peaks[1..] {
        assert!(
            p.saturating_sub(peaks[0]) < 8 * 1024 * 1024,
            "a capped answer added {} bytes",
            p - peaks[0]
        );
    }
    assert!(env
        .json(&["connections", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}
