//! OAuth 2.0 for connections (DESIGN.md invariant 5): the authorization code grant with PKCE
//! S256 through the system browser, redirected to the `patchbay://oauth/callback` deep link or an
//! RFC 8252 loopback listener; the client credentials grant; refresh; revocation.
//!
//! The protocol is the `oauth2` crate's; what is Patchbay's own lives here: lenient token
//! responses (`token`), the single-use expiring `state` registry and strict callback parsing
//! (`login`), the one-shot loopback listener (`loopback`), the injectable browser (`browser`)
//! errors that say what to check (`error`), and the desktop app's login broker (`broker`). Storing tokens and refreshing them is in
//! `patchbay/oauth_ops.rs`, next to the store and the vault.

mod broker;
mod browser;
mod client;
mod error;
mod http;
mod login;
mod loopback;
mod token;

pub use broker::{LoginBroker, LoginReport, LoginStarted, OAuthLoginRequest};
pub use browser::{BrowserOpener, SystemBrowser, BROWSER_ENV};
pub use client::{AuthorizeRequest, OAuthClient, OAUTH_CALL_TIMEOUT};
pub use error::OAuthError;
pub use login::{
    Callback, CallbackOutcome, IssuerCheck, LoginRegistry, LoginTarget, PendingLogin, LOGIN_TTL,
};
pub use loopback::{LoopbackListener, RedirectVerdict, CALLBACK_PATH};
pub use token::{LenientTokenResponse, TokenGrant};
