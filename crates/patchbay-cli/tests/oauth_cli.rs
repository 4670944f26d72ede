//! OAuth through the `patchbay` command against a real authorization server (oidc-provider on
//! 127.0.0.1, see tests/oidc-provider) with a scripted browser that signs in and consents on the
//! provider's own pages.

mod common;

use common::oauth_flow::{captured_login, get, login, process, request_me};
use common::oidc::{self, OidcServer};
use common::{canary, contains_bytes, files_below, stderr, stdout, Env};
use serde_json::Value;

fn setup(server_env: &[(&str, &str)], auth: &str, client_auth: &str) -> Option<(Env, OidcServer)> {
    let server = OidcServer::start(server_env)?;
    let env = Env::new();
    env.create_type(&server.type_def("acme", auth, client_auth));
    Some((env, server))
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
