//! Rows of `oauth_tokens`: a connection's token type, expiry, scopes and account label. The
//! token values themselves are vault envelopes in `secrets` (`access_token`, `refresh_token`).

use rusqlite::{params, Connection as Db, OptionalExtension};

use crate::model::OAuthTokenInfo;
use crate::{CoreError, Result};

pub fn get(db: &Db, connection_id: &str) -> Result<Option<OAuthTokenInfo>> {
    db.query_row(
        "SELECT token_type, expires_at, scope, account, refreshed_at FROM oauth_tokens
         WHERE connection_id = ?1",
        [connection_id],
        |r| {
            Ok(OAuthTokenInfo {
                token_type: r.get(0)?,
                expires_at: r.get(1)?,
                scope: r.get(2)?,
                account: r.get(3)?,
                refreshed_at: r.get(4)?,
            })
        },
    )
    .optional()
    .map_err(CoreError::store(
        "reading a connection's OAuth token information",
    ))
}

/// Inserts or replaces the row. `account` is kept when `info.account` is `None` (a refresh does
/// not ask userinfo again).
pub fn put(db: &Db, connection_id: &str, info: &OAuthTokenInfo, now: &str) -> Result<()> {
    db.execute(
        "INSERT INTO oauth_tokens
             (connection_id, token_type, expires_at, scope, account, refreshed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (connection_id) DO UPDATE SET
             token_type = excluded.token_type, expires_at = excluded.expires_at,
             scope = COALESCE(excluded.scope, oauth_tokens.scope),
             account = COALESCE(excluded.account, oauth_tokens.account),
             refreshed_at = excluded.refreshed_at, updated_at = excluded.updated_at",
        params![
            connection_id,
            info.token_type,
            info.expires_at,
            info.scope,
            info.account,
            info.refreshed_at,
            now
        ],
    )
    .map_err(CoreError::store(
        "saving a connection's OAuth token information",
    ))?;
    Ok(())
}
