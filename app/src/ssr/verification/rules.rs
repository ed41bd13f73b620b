//! What a verification demands of the evidence besides a valid signature:
//! one [`PolicyRules`] type for the seven rules, whether they arrive inline
//! in a REST request, from the Verify page or the CLI, or are stored as a
//! tenant's named policy (the row flattens it, the wire types flatten it, so
//! a new rule is added here once).

// Not billing code: serde's derive for a flattened struct buffers numbers as
// floats internally; no float reaches our code.
#![expect(clippy::disallowed_types, reason = "serde-generated code for flattened PolicyRules")]

use serde::{Deserialize, Serialize};

/// Optional rules on an in-toto statement; an empty policy only checks the subject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AttestationPolicy {
    /// Required in-toto predicateType.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// Required builder id (SLSA v1 `runDetails.builder.id`, v0.2 `builder.id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// Required source repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_repo: Option<String>,
    /// Required source ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
}

impl AttestationPolicy {
    /// True when no rule is set.
    pub fn is_empty(&self) -> bool {
        self.predicate_type.is_none()
            && self.builder_id.is_none()
            && self.source_repo.is_none()
            && self.source_ref.is_none()
    }
}

/// The signer and statement rules of a verification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PolicyRules {
    /// Required certificate identity (SAN), keyless bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Required OIDC issuer, keyless bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Trusted root by name (default `public-good`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_root: Option<String>,
    /// Rules on an in-toto statement.
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub statement: AttestationPolicy,
}

impl PolicyRules {
    /// True when no rule at all is set.
    pub fn is_empty(&self) -> bool {
        self.identity.is_none() && self.issuer.is_none() && self.trusted_root.is_none() && self.statement.is_empty()
    }

    /// Whether a keyless signer (identity or issuer) is asked for.
    pub fn is_keyless(&self) -> bool {
        self.identity.is_some() || self.issuer.is_some()
    }

    /// Whether anything besides the trusted root constrains the evidence
    /// (a root alone accepts every signer it certifies).
    pub fn constrains(&self) -> bool {
        self.identity.is_some() || !self.statement.is_empty()
    }

    /// The same rules with blank values (empty or whitespace) as not given.
    pub fn without_blanks(mut self) -> Self {
        let s = &mut self.statement;
        for field in [
            &mut self.identity,
            &mut self.issuer,
            &mut self.trusted_root,
            &mut s.predicate_type,
            &mut s.builder_id,
            &mut s.source_repo,
            &mut s.source_ref,
        ] {
            if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *field = None;
            }
        }
        self
    }
}

/// The wire names of the seven rules.
pub const FIELDS: [&str; 7] =
    ["identity", "issuer", "trusted_root", "predicate_type", "builder_id", "source_repo", "source_ref"];

/// What a wire type with a flattened [`PolicyRules`] collects besides its own
/// fields: serde's `deny_unknown_fields` does not see through `flatten`, so the
/// type gathers the rest here and [`unknown_field`] finds a stray one.
pub type OtherFields = std::collections::BTreeMap<String, serde_json::Value>;

/// The first field that is neither the wire type's own nor a rule, if any.
pub fn unknown_field(other: &OtherFields) -> Option<&str> {
    other.keys().map(String::as_str).find(|k| !FIELDS.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_not_rules_and_a_root_alone_constrains_nothing() {
        let r = PolicyRules {
            identity: Some("  ".into()),
            trusted_root: Some("staging".into()),
            statement: AttestationPolicy { builder_id: Some(String::new()), ..Default::default() },
            ..Default::default()
        }
        .without_blanks();
        assert_eq!(r.identity, None);
        assert!(r.statement.is_empty());
        assert!(!r.is_empty() && !r.constrains());
        let r = PolicyRules {
            statement: AttestationPolicy { source_ref: Some("refs/tags/v1".into()), ..r.statement },
            ..r
        };
        assert!(r.constrains() && !r.is_keyless());
    }

    #[test]
    fn the_wire_form_is_flat() {
        let r: PolicyRules =
            serde_json::from_str(r#"{"identity":"a@b","issuer":"https://i","predicate_type":"p"}"#).unwrap();
        assert_eq!(r.statement.predicate_type.as_deref(), Some("p"));
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"identity":"a@b","issuer":"https://i","predicate_type":"p"})
        );
    }

    #[test]
    fn the_field_list_is_the_struct() {
        let some = || Some("x".to_owned());
        let all = PolicyRules {
            identity: some(),
            issuer: some(),
            trusted_root: some(),
            statement: AttestationPolicy {
                predicate_type: some(),
                builder_id: some(),
                source_repo: some(),
                source_ref: some(),
            },
        };
        let value = serde_json::to_value(all).unwrap();
        let mut names: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut fields = FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(names, fields);
    }

    #[test]
    fn a_stray_field_beside_flattened_rules_is_found() {
        #[derive(serde::Deserialize)]
        struct Body {
            #[serde(flatten)]
            rules: PolicyRules,
            #[serde(flatten)]
            other: OtherFields,
        }
        let ok: Body = serde_json::from_str(r#"{"identity":"x","predicate_type":"p"}"#).unwrap();
        assert_eq!((unknown_field(&ok.other), ok.rules.identity.as_deref()), (None, Some("x")));
        let typo: Body = serde_json::from_str(r#"{"identiti":"x"}"#).unwrap();
        assert_eq!(unknown_field(&typo.other), Some("identiti"));
    }
}
