//! Every usage event is checked against `schema/usage.json` (the sprint
//! plan's schema, section 5.2, plus our id / idempotency key / receipt id)
//! where it enters: when a verification or download creates it, and again
//! when the ledger worker posts it. A failure names the field.

use crate::ssr::store::UsageEventRow;
use std::sync::LazyLock;

/// The schema file, compiled into the binary.
pub const SCHEMA: &str = include_str!("../../../../schema/usage.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| format!("schema/usage.json: {e}"))?;
    jsonschema::options().should_validate_formats(true).build(&schema).map_err(|e| format!("schema/usage.json: {e}"))
});

/// A usage event that breaks the schema: the field (JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("usage event field {field}: {message}")]
pub struct SchemaError {
    /// JSON pointer of the offending field (`/units`), or `/` for the whole event.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The event as the schema sees it (`ts` as RFC 3339).
pub fn to_json(e: &UsageEventRow) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "ts": crate::ssr::clock::rfc3339(e.ts),
        "tenant": e.org_id,
        "event": e.event,
        "units": e.units,
        "idempotency_key": e.idempotency_key,
        "receipt_id": e.receipt_id,
    })
}

/// Checks a JSON event; the first error names its field.
pub fn validate_json(event: &serde_json::Value) -> Result<(), SchemaError> {
    let validator = VALIDATOR.as_ref().map_err(|e| SchemaError { field: "/".into(), message: e.clone() })?;
    if validator.is_valid(event) {
        return Ok(()); // the fast path: no error collection
    }
    match validator.iter_errors(event).next() {
        None => Ok(()),
        Some(err) => {
            let path = err.instance_path().to_string();
            Err(SchemaError { field: if path.is_empty() { "/".into() } else { path }, message: err.to_string() })
        }
    }
}

/// Checks a stored event.
pub fn validate(e: &UsageEventRow) -> Result<(), SchemaError> {
    validate_json(&to_json(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good() -> serde_json::Value {
        json!({"id": "evt_01KB0000000000000000000000", "ts": "2026-04-01T10:00:00Z", "tenant": "org_1",
               "event": "attestation.verify", "units": 1, "receipt_id": "ver_1", "idempotency_key": null})
    }

    #[test]
    fn the_schema_file_compiles_and_accepts_a_good_event() {
        assert_eq!(validate_json(&good()), Ok(()));
        let mut download = good();
        download["event"] = json!("portal.download");
        download["receipt_id"] = json!(null);
        assert_eq!(validate_json(&download), Ok(()));
    }

    #[test]
    fn each_broken_field_is_named() {
        for (field, value, pointer) in [
            ("units", json!(-1), "/units"),
            ("units", json!(1.5), "/units"),
            ("event", json!("attestation.sign"), "/event"),
            ("ts", json!("yesterday"), "/ts"),
            ("tenant", json!(""), "/tenant"),
            ("receipt_id", json!(null), "/receipt_id"),
        ] {
            let mut e = good();
            e[field] = value;
            let err = validate_json(&e).unwrap_err();
            assert_eq!(err.field, pointer, "{field}: {err}");
        }
        let mut missing = good();
        missing.as_object_mut().unwrap().remove("units");
        assert!(validate_json(&missing).unwrap_err().message.contains("units"));
    }
}
