//! OAuth token bookkeeping against a scripted token endpoint on 127.0.0.1 (the replies real
//! providers send that oidc-provider never does: `expires_in` as a string, a lower-case
//! `token_type`, no `expires_in`, a refresh answer without a `refresh_token`):
//! - the token type is kept as returned and sent as is;
//! - no expiry: no refresh before a request, one refresh after a 401, never a loop;
//! - a refresh without a new refresh token keeps the old one; a rotated one replaces it;
//! - a rejected refresh marks the connection "needs re-authorization" and stops requests; a
//!   provider outage does not;
//! - 50 concurrent requests through one `Patchbay` with an expired token refresh once.

mod support;

use std::collections::BTreeMap;

use patchbay_core::model::{AuthType, ConnectionStatus};
use patchbay_core::request::{CancellationToken, ExecuteOptions, MadeBy, RequestSpec};
use patchbay_core::{ConnectRequest, Secret};
use support::oauth::{block_on, chrono_now, def, logged_in, send, set_expiry, token_posts};
use support::server::TestServer;

#[test]
fn string_expiry_and_lower_case_token_type_are_kept_and_sent_as_returned() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    pb.create_type(def(&server, "oauth2_client_credentials"))
        .unwrap();
    server.queue_json(
        200,
        r#"{"access_token":"cc-token-1","expires_in":"3600","token_type":"bearer"}"#,
    );
    let c = block_on(pb.connect_client_credentials(ConnectRequest {
        type_slug: "scripted".into(),
        name: "c".into(),
        auth_type: None,
        fields: BTreeMap::from([("client_id".to_string(), "svc".to_string())]),
        secrets: BTreeMap::from([("client_secret".to_string(), Secret::new("svc-secret"))]),
    }))
    .expect("connect");
    let info = c.oauth.expect("token info");
    assert_eq!(info.token_type, "bearer");
    let left = info.expires_at.unwrap() - chrono_now();
    assert!((3590..=3600).contains(&left), "{left}");
    // Client authentication in the body, as configured.
    let post = &token_posts(&server)[0];
    assert!(
        post.contains("grant_type=client_credentials")
            && post.contains("client_id=svc")
            && post.contains("client_secret=svc-secret"),
        "{post}"
    );

    let sent = send(&pb, "/echo").expect("send");
    assert!(sent.outcome.is_success());
    let got = server.received().last().unwrap().clone();
    assert_eq!(got.header("authorization"), Some("bearer cc-token-1"));
}

#[test]
fn unknown_expiry_refreshes_once_on_401_and_keeps_or_rotates_the_refresh_token() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    logged_in(
        &pb,
        &server,
        r#"{"access_token":"access-1","refresh_token":"refresh-1","token_type":"Bearer"}"#,
    );
    let exchange = &token_posts(&server)[0];
    assert!(
        exchange.contains("grant_type=authorization_code")
            && exchange.contains("code=the-code")
            && exchange.contains("code_verifier="),
        "the code goes with its PKCE verifier: {exchange}"
    );
    assert!(pb
        .get_connection("c")
        .unwrap()
        .oauth
        .unwrap()
        .expires_at
        .is_none());

    // No expiry known: nothing is refreshed before the request.
    assert!(send(&pb, "/echo").unwrap().outcome.is_success());
    assert_eq!(token_posts(&server).len(), 1);

    // A 401: one refresh (answered without a refresh token), one retry — still 401, no loop.
    server.queue_json(200, r#"{"access_token":"access-2","expires_in":7200}"#);
    let sent = send(&pb, "/status/401").unwrap();
    assert_eq!(sent.outcome.response.as_ref().unwrap().status, 401);
    let posts = token_posts(&server);
    assert_eq!(posts.len(), 2, "exactly one refresh");
    assert!(
        posts[1].contains("grant_type=refresh_token")
            && posts[1].contains("refresh_token=refresh-1"),
        "{}",
        posts[1]
    );
    assert_eq!(
        pb.reveal_secret("c", "access_token").unwrap().expose(),
        "access-2"
    );
    assert_eq!(
        pb.reveal_secret("c", "refresh_token").unwrap().expose(),
        "refresh-1",
        "a refresh answer without a refresh token keeps the stored one"
    );
    let history = pb.history(Some("c"), 10).unwrap();
    assert_eq!(
        history.len(),
        3,
        "both 401 attempts and the first request are recorded"
    );

    // About to expire: refreshed before the request; the rotated refresh token replaces the old.
    set_expiry(dir.path(), chrono_now() + 60);
    server.queue_json(
        200,
        r#"{"access_token":"access-3","refresh_token":"refresh-2","expires_in":3600}"#,
    );
    assert!(send(&pb, "/echo").unwrap().outcome.is_success());
    assert_eq!(
        server.received().last().unwrap().header("authorization"),
        Some("Bearer access-3")
    );
    assert_eq!(
        pb.reveal_secret("c", "refresh_token").unwrap().expose(),
        "refresh-2"
    );

    // An outage at the provider is reported but does not end the grant.
    set_expiry(dir.path(), chrono_now() - 1);
    server.queue_json(503, r#"{"error":"temporarily_unavailable"}"#);
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(err.contains("temporarily_unavailable"), "{err}");
    assert_ne!(
        pb.get_connection("c").unwrap().status,
        ConnectionStatus::NeedsReauthorization
    );

    // A rejected refresh: needs re-authorization, with the provider's reason, and no more calls.
    server.queue_json(
        400,
        r#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#,
    );
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(
        err.contains("invalid_grant (refresh token revoked)"),
        "{err}"
    );
    let c = pb.get_connection("c").unwrap();
    assert_eq!(c.status, ConnectionStatus::NeedsReauthorization);
    assert!(c.last_error.unwrap().contains("invalid_grant"));
    let calls = server.received().len();
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(err.contains("needs re-authorization"), "{err}");
    assert_eq!(server.received().len(), calls, "nothing is sent any more");
    for secret in ["refresh-1", "refresh-2", "access-3", "csecret", "the-code"] {
        assert!(!err.contains(secret), "{err}");
    }
}

#[test]
fn fifty_concurrent_requests_with_an_expired_token_refresh_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    logged_in(
        &pb,
        &server,
        r#"{"access_token":"old","refresh_token":"r","expires_in":"10"}"#,
    );
    server.queue_json(
        200,
        r#"{"access_token":"new","refresh_token":"r2","expires_in":3600}"#,
    );
    let outcomes = block_on(async {
        let opts = ExecuteOptions::default();
        let cancel = CancellationToken::new();
        let sends = (0..50).map(|_| {
            pb.send(
                "c",
                RequestSpec::new("GET", "/echo"),
                &opts,
                &cancel,
                MadeBy::Agent,
            )
        });
        // Concurrently on this one task: the futures borrow the one `Patchbay`.
        futures::future::join_all(sends).await
    });
    for o in outcomes {
        assert!(o.expect("send").outcome.is_success());
    }
    assert_eq!(
        token_posts(&server).len(),
        2,
        "the login and exactly one refresh"
    );
    let bearer: Vec<_> = server
        .received()
        .into_iter()
        .filter(|r| r.path() == "/api/echo")
        .map(|r| r.header("authorization").unwrap_or("").to_string())
        .collect();
    assert_eq!(bearer.len(), 50);
    assert!(bearer.iter().all(|b| b == "Bearer new"), "{bearer:?}");
    assert_eq!(
        pb.get_connection("c").unwrap().auth_type,
        AuthType::Oauth2AuthorizationCode
    );
}
