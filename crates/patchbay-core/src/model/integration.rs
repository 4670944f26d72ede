//! Integration types: the reusable, secret-free definition of an API.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::action::Action;
use super::auth::{AuthPattern, AuthType};

/// What a person writes and shares: everything about an API except who uses it.
/// This is the unit of a bundle file and of `patchbay types create --file`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationDef {
    /// Stable identifier, lower case (`acme-billing`).
    pub slug: String,
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    /// May hold `{{field}}` templates filled from connection fields (`https://{{domain}}/api`).
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub docs_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub logo_url: Option<String>,
    pub auth_patterns: Vec<AuthPattern>,
    /// An OpenAPI document describing the API, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub schema: Option<serde_json::Value>,
    #[serde(default)]
    pub actions: Vec<Action>,
}

impl IntegrationDef {
    pub fn pattern(&self, auth_type: AuthType) -> Option<&AuthPattern> {
        self.auth_patterns.iter().find(|p| p.auth_type == auth_type)
    }

    pub fn is_mcp(&self) -> bool {
        self.auth_patterns.iter().any(|p| p.is_mcp)
    }

    pub fn has_oauth(&self) -> bool {
        self.auth_patterns.iter().any(|p| p.auth_type.is_oauth())
    }
}

/// Where a type came from. Imported types are usable but read-only until duplicated
/// (per-type editor rights, as in the `000_` seed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Created,
    Imported,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Created => "created",
            Origin::Imported => "imported",
        }
    }
}

/// A stored type: its definition plus Patchbay's bookkeeping.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct IntegrationType {
    /// `it_…`
    pub id: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub def: IntegrationDef,
    pub origin: Origin,
    /// For imported types: the file it came from.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_source: Option<String>,
    /// Whether this user may edit, rename or delete the type.
    pub editable: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// One row of the catalog: what a listing needs, without the schema and actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TypeSummary {
    pub id: String,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub base_url: String,
    pub auth_types: Vec<AuthType>,
    pub is_mcp: bool,
    pub has_oauth: bool,
    pub origin: Origin,
    pub editable: bool,
    pub connection_count: u32,
    pub action_count: u32,
    pub updated_at: String,
}
