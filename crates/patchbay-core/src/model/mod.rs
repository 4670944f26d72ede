//! The data model: integration types (what an API is and how it authenticates), connections
//! (one account's non-secret values for a type) and their summaries for listings.
//!
//! Every type here is plain data with serde and ts-rs derives: the CLI prints them as JSON, the
//! desktop app receives them over IPC with generated TypeScript types. None of them can hold a
//! secret value; secrets travel only as [`crate::Secret`], which cannot be serialized.

mod action;
mod auth;
mod connection;
mod field;
mod integration;
mod oauth;

pub use action::{Action, ActionBody, ActionParameter, HttpMethod, KeyValue, ParameterLocation};
pub use auth::{
    ApiKeyConfig, ApiKeyLocation, AuthPattern, AuthType, FieldMutation, HeaderTemplate, HmacConfig,
    HmacEncoding,
};
pub use connection::{Connection, ConnectionStatus, OAuthTokenInfo, SecretSummary};
pub use field::{FieldSpec, InputType};
pub use integration::{IntegrationDef, IntegrationType, Origin, TypeSummary};
pub use oauth::{
    is_protocol_param, ClientAuthStyle, OAuthConfig, OAuthScope, RedirectStyle,
    DEEP_LINK_REDIRECT_URI, PROTOCOL_PARAMS,
};
