//! Environment variable names for connections: `CUSTOM_API_<NAME>`, the rule of the `001_` seed
//! ("My Billing API" → `CUSTOM_API_MY_BILLING_API`).

const PREFIX: &str = "CUSTOM_API_";

/// The variable name for a connection name: upper case, every character that is not an ASCII
/// letter or digit becomes `_`, runs of `_` fold into one and none lead or trail.
/// `None` when the name has no letter or digit at all.
pub fn env_name(connection_name: &str) -> Option<String> {
    let suffix = env_suffix(connection_name);
    if suffix.is_empty() {
        None
    } else {
        Some(format!("{PREFIX}{suffix}"))
    }
}

/// The variable for one field of a multi-field credential: `CUSTOM_API_<NAME>_<FIELD>`.
pub fn field_env_name(connection_env_name: &str, field: &str) -> String {
    format!("{connection_env_name}_{}", env_suffix(field))
}

fn env_suffix(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_examples() {
        assert_eq!(
            env_name("My Billing API").as_deref(),
            Some("CUSTOM_API_MY_BILLING_API")
        );
        assert_eq!(
            env_name("Twilio SMS").as_deref(),
            Some("CUSTOM_API_TWILIO_SMS")
        );
        assert_eq!(
            env_name("Internal Auth Service").as_deref(),
            Some("CUSTOM_API_INTERNAL_AUTH_SERVICE")
        );
    }

    #[test]
    fn punctuation_folds_and_trims() {
        assert_eq!(
            env_name("  acme-api (v2) ").as_deref(),
            Some("CUSTOM_API_ACME_API_V2")
        );
        assert_eq!(env_name("Café").as_deref(), Some("CUSTOM_API_CAF"));
        assert_eq!(env_name("---"), None);
        assert_eq!(
            field_env_name("CUSTOM_API_ACME", "client_id"),
            "CUSTOM_API_ACME_CLIENT_ID"
        );
    }
}
