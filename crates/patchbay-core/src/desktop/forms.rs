//! The forms the window sends: a new connection, a test request, a type being edited. Each turns
//! into the core's own request type here, so the adapters stay one line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::files::read_import_file;
use crate::import::{convert, ImportFormat, ImportNote};
use crate::model::{Action, AuthType, IntegrationDef, KeyValue};
use crate::request::{Caller, Purpose, RequestBody, RequestSpec};
use crate::validate::{def_problems, Problem};
use crate::{template, ConnectRequest, CoreError, Result, Secret};

/// The connect dialog of a static-credential pattern (API key, bearer, basic, custom headers,
/// HMAC). Secret values arrive once, are wrapped in [`Secret`] on the way in, and are never sent
/// back: the form's password inputs stay empty after a save.
#[derive(Deserialize, TS)]
pub struct ConnectForm {
    pub type_slug: String,
    pub name: String,
    #[ts(optional)]
    pub auth_type: Option<AuthType>,
    /// Non-secret values by field name.
    pub fields: BTreeMap<String, String>,
    /// Secret values by field name.
    #[ts(type = "Record<string, string>")]
    pub secrets: BTreeMap<String, Secret>,
}

impl std::fmt::Debug for ConnectForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectForm")
            .field("type_slug", &self.type_slug)
            .field("name", &self.name)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl From<ConnectForm> for ConnectRequest {
    fn from(form: ConnectForm) -> ConnectRequest {
        ConnectRequest {
            type_slug: form.type_slug,
            name: form.name,
            auth_type: form.auth_type,
            fields: form.fields,
            // An empty password input means "not given", which the core reports by field name.
            secrets: form
                .secrets
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        }
    }
}

/// The body editor's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TesterBody {
    #[default]
    None,
    /// JSON text; the core refuses invalid JSON before sending and says where it breaks.
    Json {
        text: String,
    },
    Text {
        #[ts(optional)]
        content_type: Option<String>,
        text: String,
    },
    Form {
        pairs: Vec<KeyValue>,
    },
    /// A saved action's body template, filled from its parameters and the connection's fields.
    Template {
        content_type: String,
        text: String,
    },
}

/// What the test request tool sends: a connection, and the request as edited.
#[derive(Clone, Debug, Deserialize, Serialize, TS)]
pub struct TesterRequest {
    /// Connection name.
    pub connection: String,
    pub method: String,
    /// Relative to the type's base URL; may hold `{{field}}` and `{{param}}` templates.
    pub path: String,
    pub query: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub body: TesterBody,
    /// The saved action this request came from, for history.
    #[ts(optional)]
    pub action: Option<String>,
    /// Values of the action's parameters.
    pub vars: BTreeMap<String, String>,
}

impl TesterRequest {
    pub fn to_spec(&self) -> RequestSpec {
        RequestSpec {
            method: self.method.trim().to_string(),
            path: self.path.clone(),
            query: non_empty(&self.query),
            headers: non_empty(&self.headers),
            body: match &self.body {
                TesterBody::None => RequestBody::None,
                TesterBody::Json { text } => RequestBody::Json(text.clone()),
                TesterBody::Text { content_type, text } => RequestBody::Text {
                    content_type: content_type.clone().filter(|c| !c.trim().is_empty()),
                    text: text.clone(),
                },
                TesterBody::Form { pairs } => RequestBody::Form(non_empty(pairs)),
                TesterBody::Template { content_type, text } => RequestBody::Template {
                    content_type: content_type.clone(),
                    template: text.clone(),
                },
            },
            vars: self.vars.clone(),
            purpose: Purpose::Request,
            action: self.action.clone(),
            caller: Caller::Owner,
        }
    }
}

/// Rows the editor shows as blank lines (no name) are not part of the request.
fn non_empty(pairs: &[KeyValue]) -> Vec<KeyValue> {
    pairs
        .iter()
        .filter(|kv| !kv.name.trim().is_empty())
        .cloned()
        .collect()
}

/// The type editor's live check: every problem with its field path, and the `{{fields}}` the
/// base URL asks each connection for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TypeCheck {
    pub problems: Vec<Problem>,
    pub base_url_fields: Vec<String>,
    /// Per auth pattern (same order): the exact redirect URI to register with the provider, for
    /// OAuth patterns whose URI is fixed; `None` otherwise (a loopback redirect on a random port
    /// is only known when a login starts).
    pub redirect_uris: Vec<Option<String>>,
}

impl TypeCheck {
    pub fn of(def: &IntegrationDef) -> TypeCheck {
        TypeCheck {
            problems: def_problems(def, ""),
            base_url_fields: template::placeholder_names(&def.base_url).unwrap_or_default(),
            redirect_uris: def
                .auth_patterns
                .iter()
                .map(|p| {
                    p.oauth_config
                        .as_ref()
                        .filter(|_| p.auth_type == AuthType::Oauth2AuthorizationCode)
                        .and_then(|c| c.redirect_uri())
                })
                .collect(),
        }
    }
}

/// An OpenAPI/Swagger document read for the type editor: the document itself (kept as the type's
/// schema) and the actions its operations become.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SchemaImport {
    /// The name of the file it was read from (picked in the native dialog).
    pub file: String,
    #[ts(type = "unknown")]
    pub schema: serde_json::Value,
    pub actions: Vec<Action>,
    pub notes: Vec<ImportNote>,
}

impl SchemaImport {
    pub fn read(path: &Path) -> Result<SchemaImport> {
        let text = read_import_file(path)?;
        let source = path.display().to_string();
        let mut converted = convert(&source, &text, ImportFormat::Openapi)?;
        let def = converted.defs.pop().ok_or_else(|| {
            CoreError::Invalid(format!("{source}: the document describes no API"))
        })?;
        Ok(SchemaImport {
            file: super::picked::file_name(path),
            schema: def.schema.unwrap_or(serde_json::Value::Null),
            actions: def.actions,
            notes: converted.notes,
        })
    }
}

/// What the connect dialog asks for, per auth pattern of a type: the core's own list of inputs
/// (declared fields, account fields, and the OAuth client credentials it always asks for), each
/// with `secret` decided, so the dialog never re-implements those rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PatternInputs {
    pub auth_type: AuthType,
    pub inputs: Vec<crate::model::FieldSpec>,
}

impl PatternInputs {
    pub fn of_type(t: &crate::model::IntegrationType) -> Vec<PatternInputs> {
        t.def
            .auth_patterns
            .iter()
            .map(|p| PatternInputs {
                auth_type: p.auth_type,
                inputs: p
                    .connection_fields()
                    .into_iter()
                    .map(|mut f| {
                        f.secret = Some(f.is_secret());
                        f
                    })
                    .collect(),
            })
            .collect()
    }
}
