//! The vault: which mode protects secrets, and the unlock prompt of a passphrase vault.

use patchbay_core::desktop::VaultView;
use patchbay_core::Secret;
use tauri::State;

use crate::state::{AppState, Reply};

/// How the vault protects secrets, whether it is unlocked, and a warning when the protection is
/// weak (no OS keyring).
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> Reply<VaultView> {
    state.with(VaultView::of)
}

/// Unlocks a passphrase vault; a wrong passphrase is refused and changes nothing.
#[tauri::command]
pub async fn unlock_vault(state: State<'_, AppState>, passphrase: Secret) -> Reply<()> {
    state.unlock(passphrase)
}
