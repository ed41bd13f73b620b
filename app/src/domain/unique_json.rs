//! JSON read with every object's keys unique.
//!
//! Plain `serde_json::Value` keeps the *last* of two equal keys; other
//! readers keep the first. Signed evidence (Sigstore bundles, DSSE envelopes,
//! in-toto statements) must read the same in every tool, so anything the
//! portal verifies is read through [`UniqueKeys`], which refuses a repeated
//! key at any depth instead of choosing one.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;

/// A JSON value in which no object repeats a key.
#[derive(Debug, Clone, PartialEq)]
pub struct UniqueKeys(pub Value);

impl UniqueKeys {
    /// Parses JSON text, refusing repeated keys (the error names the key).
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Parses JSON bytes, refusing repeated keys.
    pub fn parse_slice(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(UniqueKeys)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value whose objects have unique keys")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    #[expect(
        clippy::disallowed_types,
        reason = "JSON numbers with a fraction arrive as f64; kept as JSON, never billed"
    )]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        UniqueKeys::deserialize(d).map(|u| u.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut seen = HashSet::new();
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            let UniqueKeys(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_keys_parse_like_serde_json() {
        let text = r#"{"a":[1,-2,3.5,true,null,"x"],"b":{"c":{}}}"#;
        let strict = UniqueKeys::parse(text).expect("parses");
        assert_eq!(strict.0, serde_json::from_str::<Value>(text).expect("json"));
    }

    #[test]
    fn a_repeated_key_is_refused_at_any_depth() {
        for text in [r#"{"a":1,"a":2}"#, r#"{"x":{"dsseEnvelope":{},"dsseEnvelope":{}}}"#, r#"[{"k":1,"k":1}]"#] {
            let err = UniqueKeys::parse(text).expect_err(text).to_string();
            assert!(err.contains("duplicate key"), "{text}: {err}");
        }
        // serde_json itself would have kept the last one silently.
        assert_eq!(serde_json::from_str::<Value>(r#"{"a":1,"a":2}"#).expect("json")["a"], 2);
    }

    #[test]
    fn repeated_keys_are_seen_through_serde_buffering() {
        // Internally tagged enums buffer their fields before the field's own
        // deserializer runs; the duplicate must still be caught.
        #[derive(serde::Deserialize)]
        #[serde(tag = "kind")]
        enum Body {
            B { bundle: UniqueKeys },
        }
        let Body::B { bundle } = serde_json::from_str(r#"{"kind":"B","bundle":{"a":1}}"#).expect("no duplicate");
        assert_eq!(bundle.0["a"], 1);
        let dup: Result<Body, _> = serde_json::from_str(r#"{"kind":"B","bundle":{"a":1,"a":2}}"#);
        assert!(dup.is_err_and(|e| e.to_string().contains("duplicate key")));
    }
}
