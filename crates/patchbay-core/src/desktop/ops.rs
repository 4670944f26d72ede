//! The window's operations that are more than one core call: a masked preview and curl line of
//! what the tester would send, disconnecting (revoke, then delete), renewing client-credentials
//! tokens, and the vault as the unlock prompt sees it.

use serde::Serialize;
use ts_rs::TS;

use super::forms::TesterRequest;
use super::worker::{run_detached, Opener};
use crate::request::{to_curl, RequestPreview, Reveal};
use crate::vault::{VaultMode, VaultStatus};
use crate::{Patchbay, Result};

/// The request exactly as it would be sent, every secret masked. Nothing is sent.
pub fn preview(pb: &Patchbay, req: &TesterRequest) -> Result<RequestPreview> {
    Ok(pb
        .prepare_request(&req.connection, req.to_spec())?
        .preview()
        .clone())
}

/// The request as a curl command line with every secret masked ("copy as curl").
pub fn curl_masked(pb: &Patchbay, req: &TesterRequest) -> Result<String> {
    let prepared = pb.prepare_request(&req.connection, req.to_spec())?;
    Ok(to_curl(&prepared, Reveal::No))
}

/// Disconnects `name`: an OAuth grant is revoked at the provider first (a refusal is returned as
/// a warning and does not stop the delete), then the connection and its secrets are removed.
pub async fn disconnect(opener: Opener, name: String) -> Result<Option<String>> {
    run_detached(opener, move |pb| {
        Box::pin(async move {
            let warning = pb.revoke_tokens(&name).await?;
            pb.delete_connection(&name)?;
            Ok(warning)
        })
    })
    .await
}

/// Fetches a new client-credentials token for `name` (the OAuth2 client credentials pattern).
pub async fn reauthorize_client_credentials(
    opener: Opener,
    name: String,
) -> Result<crate::model::Connection> {
    run_detached(opener, move |pb| {
        Box::pin(async move { pb.reauthorize_client_credentials(&name).await })
    })
    .await
}

/// The vault as the window shows it: its status, and whether the unlock prompt is needed.
#[derive(Clone, Debug, Serialize, TS)]
pub struct VaultView {
    pub status: VaultStatus,
    /// The master key is open in this window.
    pub unlocked: bool,
    /// A passphrase vault that is still locked: ask for the passphrase.
    pub needs_passphrase: bool,
}

impl VaultView {
    pub fn of(pb: &Patchbay) -> Result<VaultView> {
        let status = pb.vault_status()?;
        let unlocked = pb.is_unlocked();
        Ok(VaultView {
            needs_passphrase: status.mode == Some(VaultMode::Passphrase) && !unlocked,
            unlocked,
            status,
        })
    }
}

/// Connects an OAuth2 client-credentials pattern: fetches the first token, then stores the
/// connection (nothing is stored when the provider refuses).
pub async fn connect_client_credentials(
    opener: Opener,
    form: super::ConnectForm,
) -> Result<crate::model::Connection> {
    run_detached(opener, move |pb| {
        Box::pin(async move { pb.connect_client_credentials(form.into()).await })
    })
    .await
}

/// Opens the vault with the passphrase typed into the unlock prompt, on a fresh `Patchbay` the
/// window then uses; a wrong passphrase is an error and changes nothing.
pub fn unlock_with(opener: &Opener) -> Result<Patchbay> {
    let pb = opener.open()?;
    pb.unlock()?;
    Ok(pb)
}
