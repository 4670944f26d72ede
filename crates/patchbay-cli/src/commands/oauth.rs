//! OAuth from a terminal: the browser login (authorization code + PKCE) through a one-shot
//! loopback listener, and the client credentials grant. The core does the protocol; this file
//! only prints, opens the browser and waits.

use std::time::Duration;

use anyhow::Result;
use patchbay_core::model::{Connection, RedirectStyle};
use patchbay_core::oauth::{
    BrowserOpener, Callback, LoginRegistry, LoopbackListener, SystemBrowser,
};
use patchbay_core::{ConnectRequest, LoginStart, Patchbay};

/// Logs in through the system browser (`PATCHBAY_BROWSER` overrides it) and stores the result.
pub fn login(pb: &Patchbay, start: LoginStart, timeout: Duration) -> Result<Connection> {
    let pattern = match &start {
        LoginStart::New(req) => pb.pattern_for(&req.type_slug, req.auth_type)?,
        LoginStart::Reauthorize(name) => {
            let c = pb.get_connection(name)?;
            pb.pattern_for(&c.type_slug, Some(c.auth_type))?
        }
    };
    let config = pattern.oauth_config.unwrap_or_default();
    super::block_on(async {
        let listener = LoopbackListener::bind(config.loopback_port).await?;
        let redirect_uri = listener.redirect_uri();
        let pending = pb.begin_login(start, &redirect_uri)?;
        let url = pending.authorize_url.clone();
        let registry = LoginRegistry::new();
        registry.insert(pending);
        if config.redirect_style == RedirectStyle::DeepLink {
            eprintln!("note: this type redirects to the desktop app (patchbay://oauth/callback); the terminal uses a loopback redirect instead, which the provider must allow too");
        }
        eprintln!("Redirect URI: {redirect_uri}");
        eprintln!("  (register http://127.0.0.1/oauth/callback with the provider; RFC 8252 providers accept any port)");
        eprintln!("Opening the browser to sign in. If it does not open, visit:\n  {url}");
        if let Err(e) = SystemBrowser.open(&url) {
            eprintln!("warning: {e}");
        }
        eprintln!("Waiting up to {} s for the browser…", timeout.as_secs());
        let target = listener
            .wait(timeout, |target| registry.check_redirect(target))
            .await?;
        let callback = Callback::parse(&target)?;
        let pending = registry.take(&callback.state)?;
        Ok(pb.complete_login(pending, callback).await?)
    })?
}

/// Connects with the client credentials grant (the token is fetched before anything is stored).
pub fn client_credentials(pb: &Patchbay, req: ConnectRequest) -> Result<Connection> {
    Ok(super::block_on(pb.connect_client_credentials(req))??)
}

/// New tokens for an existing client-credentials connection.
pub fn refetch_client_credentials(pb: &Patchbay, name: &str) -> Result<Connection> {
    Ok(super::block_on(pb.reauthorize_client_credentials(name))??)
}

/// Revokes an OAuth connection's grant before it is deleted; a failure is a warning.
pub fn revoke(pb: &Patchbay, name: &str) -> Result<Option<String>> {
    Ok(super::block_on(pb.revoke_tokens(name))??)
}
