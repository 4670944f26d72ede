//! A passphrase vault in the real window: the app starts locked, asks for the passphrase, refuses
//! a wrong one without changing anything, and once unlocked shows the connection's secret as a
//! mask — never the value, never the passphrase.

mod support;

use std::time::Duration;

use patchbay_core::model::AuthType;
use patchbay_core::vault::VaultConfig;
use patchbay_core::{ConnectRequest, OpenOptions, Patchbay, Secret};
use support::probe::{self, click, fill, find, text_contains};
use support::session;

const LOAD: Duration = Duration::from_secs(30);
const UPDATE: Duration = Duration::from_secs(10);
const PASSPHRASE: &str = "correct horse battery staple";
const SECRET: &str = "sk_live_CANARY_vault_0b7e44c9d2a1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_vault_is_unlocked_from_the_window() {
    let Some(session) =
        session::open_with("a_passphrase_vault_is_unlocked_from_the_window", |dir| {
            // Seeded in passphrase mode; the app gets no passphrase from its environment.
            let pb = Patchbay::open(OpenOptions {
                data_dir: dir.to_path_buf(),
                vault: VaultConfig {
                    passphrase: Some(Secret::new(PASSPHRASE)),
                    prompt: None,
                    use_keyring: false,
                },
            })
            .expect("open data dir");
            let def = serde_json::from_value(serde_json::json!({
            "slug": "acme",
            "display_name": "Acme",
            "base_url": "https://api.acme.example",
            "auth_patterns": [{"type": "bearer",
                "fields": [{"field_name": "token", "input_type": "password", "required": true}]}]
        }))
        .expect("a valid type");
            pb.create_type(def).expect("create the type");
            pb.connect(ConnectRequest {
                type_slug: "acme".into(),
                name: "acme-prod".into(),
                auth_type: Some(AuthType::Bearer),
                fields: Default::default(),
                secrets: [("token".to_string(), Secret::new(SECRET))].into(),
            })
            .expect("connect");
        })
        .await
    else {
        return;
    };
    let w = &session.window;
    find(w, "vault-unlock", LOAD).await;
    probe::install(w).await;

    fill(w, "vault-passphrase", "not the passphrase", UPDATE).await;
    click(w, "vault-unlock-submit", UPDATE).await;
    text_contains(w, "vault-unlock-error", "passphrase", UPDATE).await;
    support::save_screenshot(
        "vault-unlock.png",
        &w.screenshot_as_png().await.expect("screenshot"),
    );

    fill(w, "vault-passphrase", PASSPHRASE, UPDATE).await;
    click(w, "vault-unlock-submit", UPDATE).await;
    probe::gone(w, "vault-unlock", UPDATE).await;

    click(w, "nav-connections", UPDATE).await;
    text_contains(w, "connection-secret", "••••", UPDATE).await;

    let page = probe::page_text(w).await;
    assert!(!page.contains(SECRET), "the page holds the secret");
    assert!(!page.contains(PASSPHRASE), "the page kept the passphrase");
    for response in probe::responses(w).await {
        assert!(
            !response.contains(SECRET),
            "an IPC response holds the secret: {response}"
        );
    }
    session
        .window
        .clone()
        .quit()
        .await
        .expect("close the window");
}
