//! Why a request could not even be prepared: a template that names an unknown field, a value that
//! would change the URL's shape, a connection that may not be used right now.
//!
//! Every message names the field, header or connection it is about, so a person can fix it, and
//! none carries a secret value: values are quoted only for non-secret fields, and the facade runs
//! every message through the connection's [`Redactor`](super::Redactor) as well.

/// A request that was refused before anything was sent.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// A `{{field}}` template names something the connection does not have.
    #[error("{place}: {{{{{field}}}}} is not a field of connection '{connection}' (its fields: {known})")]
    UnknownField {
        place: String,
        field: String,
        connection: String,
        known: String,
    },

    /// The field exists but the connection holds no value for it.
    #[error("{place}: field '{field}' has no value on connection '{connection}'; set it with `patchbay connections set-secret` (secrets) or reconnect with --field {field}=VALUE")]
    MissingValue {
        place: String,
        field: String,
        connection: String,
    },

    /// A value that would add a host, port, path segment or query the template did not put there,
    /// or a header line break.
    #[error("{place}: the value of field '{field}' {problem}")]
    UnsafeValue {
        place: String,
        field: String,
        problem: String,
    },

    /// The request would leave the connection's approved origin.
    #[error("{0}")]
    OtherHost(String),

    /// The connection may not send requests right now (paused, needs re-authorization, no token).
    #[error("connection '{connection}' {reason}")]
    NotUsable { connection: String, reason: String },

    /// A request body file could not be read or is larger than Patchbay sends.
    #[error("{0}")]
    Body(String),

    /// Anything else about the request's shape (a bad header name, method or body).
    #[error("{0}")]
    Invalid(String),
}

impl RequestError {
    /// The same error with every secret value the redactor knows replaced by its mask. Messages
    /// are built not to hold secrets; this is the second net.
    pub(crate) fn redacted(self, redactor: &super::Redactor) -> RequestError {
        let m = |s: String| redactor.mask_str(&s).into_owned();
        match self {
            RequestError::UnknownField {
                place,
                field,
                connection,
                known,
            } => RequestError::UnknownField {
                place: m(place),
                field,
                connection,
                known,
            },
            RequestError::MissingValue {
                place,
                field,
                connection,
            } => RequestError::MissingValue {
                place: m(place),
                field,
                connection,
            },
            RequestError::UnsafeValue {
                place,
                field,
                problem,
            } => RequestError::UnsafeValue {
                place: m(place),
                field,
                problem: m(problem),
            },
            RequestError::OtherHost(s) => RequestError::OtherHost(m(s)),
            RequestError::NotUsable { connection, reason } => RequestError::NotUsable {
                connection,
                reason: m(reason),
            },
            RequestError::Body(s) => RequestError::Body(m(s)),
            RequestError::Invalid(s) => RequestError::Invalid(m(s)),
        }
    }
}
