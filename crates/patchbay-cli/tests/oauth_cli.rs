//! OAuth through the `patchbay` command against a real authorization server (oidc-provider on
//! 127.0.0.1, see tests/oidc-provider) with a scripted browser that signs in and consents on the
//! provider's own pages.

mod common;
#[path = "../../patchbay-core/tests/support/server.rs"]
mod server;

use std::process::Command as StdCommand;

use common::oidc::{self, OidcServer};
use common::{canary, contains_bytes, files_below, stderr, stdout, Env, NO_BUS, PASSPHRASE};
use serde_json::Value;

/// Connects `name` with a browser login as `alice`; returns the command's output.
fn login(
    env: &Env,
    slug: &str,
    name: &str,
    client: &str,
    secret: &str,
    extra: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.args(["connect", slug, "--name", name, "--field"])
        .arg(format!("client_id={client}"))
        .env("PATCHBAY_BROWSER", oidc::browser())
        .timeout(std::time::Duration::from_secs(60));
    if !secret.is_empty() {
        cmd.args(["--secret", "client_secret"])
            .write_stdin(format!("{secret}\n"));
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().expect("run connect")
}

fn setup(server_env: &[(&str, &str)], auth: &str, client_auth: &str) -> Option<(Env, OidcServer)> {
    let server = OidcServer::start(server_env)?;
    let env = Env::new();
    env.create_type(&server.type_def("acme", auth, client_auth));
    Some((env, server))
}

fn request_me(env: &Env, name: &str) -> std::process::Output {
    env.cmd()
        .args(["request", name, "GET", "/me"])
        .output()
        .expect("run request")
}

/// Sets a connection's stored expiry, as if time had passed.
fn set_expiry(env: &Env, unix: i64) {
    let db = rusqlite::Connection::open(env.db_path()).expect("open db");
    db.execute("UPDATE oauth_tokens SET expires_at = ?1", [unix])
        .expect("update expiry");
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[test]
fn browser_login_with_pkce_through_loopback_then_requests_and_revocation() {
    let secret = canary();
    let Some((env, server)) = setup(
        &[("OIDC_CLIENT_SECRET", &secret)],
        "oauth2_authorization_code",
        "basic_header",
    ) else {
        return;
    };
    let out = login(&env, "acme", "Acme alice", "patchbay-basic", &secret, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Redirect URI: http://127.0.0.1:"), "{err}");
    assert!(
        err.contains("code_challenge_method=S256"),
        "the authorize URL uses PKCE S256: {err}"
    );
    assert_eq!(server.grants("authorization_code"), 1);

    let c = env.connection("Acme alice");
    assert_eq!(c["auth_type"], "oauth2_authorization_code");
    assert_eq!(
        c["oauth"]["account"], "alice@example.test",
        "labelled from userinfo: {c}"
    );
    assert_eq!(c["oauth"]["token_type"], "Bearer");
    assert!(c["oauth"]["expires_at"].as_i64().unwrap() > now() + 3000);
    let keys: Vec<&str> = c["secret_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["access_token", "client_secret", "refresh_token"]);

    let shown = env
        .cmd()
        .args(["connections", "show", "Acme alice"])
        .output()
        .unwrap();
    let text = stdout(&shown);
    assert!(text.contains("account:    alice@example.test"), "{text}");
    assert!(text.contains("token:      Bearer, expires in"), "{text}");
    let types = env.cmd().args(["types", "show", "acme"]).output().unwrap();
    assert!(
        stderr(&types)
            .contains("redirect URI to register: http://127.0.0.1/oauth/callback (any port"),
        "{}",
        stderr(&types)
    );

    // The API accepts the stored token.
    let out = request_me(&env, "Acme alice");
    assert!(out.status.success(), "{}", stderr(&out));
    let body: Value = serde_json::from_slice(&out.stdout).expect("json body");
    assert_eq!(body["sub"], "alice");
    assert_eq!(body["client_id"], "patchbay-basic");

    // Disconnecting revokes the grant at the provider.
    let listed = env.json(&["connections", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let mut everything = String::new();
    for args in [
        vec!["connections", "show", "Acme alice", "--json"],
        vec!["history", "--json"],
        vec!["request", "Acme alice", "GET", "/me", "--json"],
        vec!["request", "Acme alice", "GET", "/me", "--as-curl"],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        everything.push_str(&stdout(&out));
        everything.push_str(&stderr(&out));
    }
    let before = server.get("/test/stats")["revocations"].as_u64().unwrap();
    let out = env
        .cmd()
        .args(["connections", "delete", "Acme alice"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.get("/test/stats")["revocations"].as_u64().unwrap(),
        before + 1
    );

    // Canary scan: no token, code or client secret in any output or file.
    let mut values = server.issued_tokens();
    assert!(values.len() >= 3, "{values:?}");
    values.push(secret.clone());
    for v in &values {
        assert!(
            !everything.contains(v.as_str()),
            "a token or secret was printed"
        );
        for f in files_below(&env.data_dir()) {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !contains_bytes(&bytes, v.as_bytes()),
                "a token or secret is in {}",
                f.display()
            );
        }
    }
}

#[test]
fn client_credentials_are_checked_before_anything_is_stored() {
    let Some((env, server)) = setup(
        &[("OIDC_CLIENT_SECRET", "right-secret")],
        "oauth2_client_credentials",
        "basic_header",
    ) else {
        return;
    };
    // Wrong secret: the provider's error, what to check, and nothing stored.
    let out = connect_service(&env, "wrong-secret");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("invalid_client") && err.contains("client_secret"),
        "{err}"
    );
    assert!(env
        .json(&["connections", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());

    let out = connect_service(&env, "right-secret");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = request_me(&env, "svc");
    assert!(out.status.success(), "{}", stderr(&out));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["client_id"], "patchbay-service");
    assert_eq!(body["scope"], "api:read");

    // About to expire: a new token is fetched first (client credentials have no refresh token).
    set_expiry(&env, now() + 60);
    let before = server.grants("client_credentials");
    assert!(request_me(&env, "svc").status.success());
    assert_eq!(server.grants("client_credentials"), before + 1);
}

#[test]
fn refresh_before_expiry_happens_once_for_50_concurrent_requests() {
    let Some((env, server)) = setup(
        &[("OIDC_ROTATE_REFRESH", "1")],
        "oauth2_authorization_code",
        "body",
    ) else {
        return;
    };
    let out = login(
        &env,
        "acme",
        "rot",
        "patchbay-body",
        "test-client-secret",
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    set_expiry(&env, now() + 30);

    let children: Vec<_> = (0..50)
        .map(|_| {
            process(&env)
                .args(["request", "rot", "GET", "/me"])
                .spawn()
                .expect("spawn patchbay request")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("\"sub\":\"alice\""),
            "{}",
            stdout(&out)
        );
    }
    // Exactly one refresh, although the provider rotates refresh tokens (a second refresh with
    // the old one would have been rejected and marked the connection for re-authorization).
    assert_eq!(server.grants("refresh_token"), 1);
    let after = env.connection("rot");
    assert_eq!(after["status"], "untested");
    assert!(after["oauth"]["expires_at"].as_i64().unwrap() > now() + 3000);
    assert!(after["oauth"]["refreshed_at"].is_string());
}

#[test]
fn a_401_refreshes_once_and_a_rejected_refresh_needs_reauthorization() {
    let Some((env, server)) = setup(&[], "oauth2_authorization_code", "basic_header") else {
        return;
    };
    assert!(login(
        &env,
        "acme",
        "a",
        "patchbay-basic",
        "test-client-secret",
        &[]
    )
    .status
    .success());

    // The server forgot the access token: 401, one refresh, the retry succeeds.
    server.post("/test/drop-access");
    let out = request_me(&env, "a");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.grants("refresh_token"), 1);
    let history = env.json(&["history", "a", "--json"]);
    let statuses: Vec<u64> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["status"].as_u64())
        .collect();
    assert_eq!(
        statuses,
        [200, 401],
        "both attempts are in history, newest first"
    );

    // The grant is gone at the provider: the refresh is refused, the connection needs a new
    // login, and further requests are refused without calling the provider again.
    server.post("/test/forget-grants");
    set_expiry(&env, now() - 10);
    let out = request_me(&env, "a");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid_grant"), "{}", stderr(&out));
    assert_eq!(env.connection("a")["status"], "needs_reauthorization");
    let refreshes = server.grants("refresh_token");
    let out = request_me(&env, "a");
    assert!(
        stderr(&out).contains("needs re-authorization") && stderr(&out).contains("reauthorize"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.grants("refresh_token"), refreshes, "no refresh loop");

    // Logging in again makes it usable.
    let out = env
        .cmd()
        .args(["connections", "reauthorize", "a"])
        .env("PATCHBAY_BROWSER", oidc::browser())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.connection("a")["status"], "untested");
    assert!(request_me(&env, "a").status.success());
}

#[test]
fn denied_consent_timeouts_and_forged_redirects_store_nothing() {
    let Some((env, server)) = setup(&[], "oauth2_authorization_code", "basic_header") else {
        return;
    };
    // Denied at the consent page.
    let out = login(
        &env,
        "acme",
        "x",
        "patchbay-basic",
        "test-client-secret",
        &[("BROWSER_CONSENT", "deny")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("access_denied"), "{}", stderr(&out));

    // The browser never comes back.
    let capture = env.path().join("callback.txt");
    let mut cmd = env.cmd();
    let out = cmd
        .args([
            "connect",
            "acme",
            "--name",
            "x",
            "--field",
            "client_id=patchbay-public",
            "--timeout",
            "3",
        ])
        .env("PATCHBAY_BROWSER", oidc::browser())
        .env("BROWSER_CAPTURE", &capture)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no answer from the browser within 3 s"),
        "{}",
        stderr(&out)
    );
    assert!(env
        .json(&["connections", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    // The redirect arriving after the time-out reaches nothing: the listener is gone.
    let late = url::Url::parse(&std::fs::read_to_string(&capture).expect("captured")).unwrap();
    assert!(
        std::net::TcpStream::connect((late.host_str().unwrap(), late.port().unwrap())).is_err(),
        "nothing listens after the time-out"
    );
    // An intercepted code is useless without the PKCE verifier that only Patchbay held.
    let code = late
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let answer = server.token(&format!(
        "grant_type=authorization_code&client_id=patchbay-public&code={code}&redirect_uri={}",
        url::form_urlencoded::byte_serialize(
            format!("http://127.0.0.1:{}/oauth/callback", late.port().unwrap()).as_bytes()
        )
        .collect::<String>()
    ));
    // (oidc-provider checks the verifier before anything else about the code.)
    assert_eq!(answer["error"], "invalid_grant", "{answer}");

    // A forged redirect (wrong state) is answered 400 and the login goes on; the real one
    // completes it; replaying it afterwards reaches nothing.
    let (child, real) = captured_login(&env, "acme", "pub");
    let url = url::Url::parse(&real).unwrap();
    let state: String = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let forged = real.replace(&state, "forged-state");
    let (status, page) = get(&forged);
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("does not belong to the login"), "{page}");
    assert!(env
        .json(&["connections", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    let (status, page) = get(&real);
    assert_eq!(status, 200, "{page}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        env.connection("pub")["secret_keys"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "public client: tokens only"
    );
    assert!(
        std::net::TcpStream::connect(
            url.host_str()
                .zip(url.port())
                .map(|(h, p)| format!("{h}:{p}"))
                .unwrap()
        )
        .is_err(),
        "the listener stopped"
    );
    assert_eq!(server.grants("authorization_code"), 1);
}

/// Starts `patchbay connect SLUG --name NAME` (public client) in the background with a browser
/// that signs in and consents but only captures the provider's redirect; returns the running
/// command and that redirect, which the test then delivers (or a tampered copy) itself.
fn captured_login(env: &Env, slug: &str, name: &str) -> (std::process::Child, String) {
    let capture = env.path().join(format!("callback-{slug}-{name}.txt"));
    let _ = std::fs::remove_file(&capture);
    let child = process(env)
        .args([
            "connect",
            slug,
            "--name",
            name,
            "--field",
            "client_id=patchbay-public",
            "--timeout",
            "30",
        ])
        .env("PATCHBAY_BROWSER", oidc::browser())
        .env("BROWSER_CAPTURE", &capture)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !capture.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the browser never reached the redirect"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let real = std::fs::read_to_string(&capture).unwrap();
    (child, real)
}

/// `redirect` with its `iss` parameter replaced by `iss` (`None`: removed).
fn with_iss(redirect: &str, iss: Option<&str>) -> String {
    let mut url = url::Url::parse(redirect).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear().extend_pairs(kept);
        if let Some(iss) = iss {
            q.append_pair("iss", iss);
        }
    }
    url.to_string()
}

/// `patchbay --data-dir …` as a plain process (to run many at once, or one in the background),
/// with the same environment as [`Env::cmd`].
fn process(env: &Env) -> StdCommand {
    let mut c = StdCommand::new(env!("CARGO_BIN_EXE_patchbay"));
    c.arg("--data-dir")
        .arg(env.data_dir())
        .env("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE)
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .env("HOME", env.path().join("home"))
        .env("XDG_RUNTIME_DIR", env.path().join("run"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    c
}

/// `patchbay connect acme --name svc` with the client credentials grant and `secret` on stdin.
fn connect_service(env: &Env, secret: &str) -> std::process::Output {
    env.cmd()
        .args([
            "connect",
            "acme",
            "--name",
            "svc",
            "--field",
            "client_id=patchbay-service",
            "--secret",
            "client_secret",
        ])
        .write_stdin(format!("{secret}\n"))
        .output()
        .expect("run connect")
}

/// GET on the loopback listener: (status, body).
fn get(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let u = url::Url::parse(url).unwrap();
    let mut s = std::net::TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).unwrap();
    let target = format!("{}?{}", u.path(), u.query().unwrap_or(""));
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, raw)
}

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
