//! Walks the OpenAPI document and calls every operation it lists as each kind
//! of caller: nobody, a caller with the wrong rights and one with the right
//! ones, and checks each served JSON answer against its documented schema.
//! A new operation is covered the day it is documented.

use crate::helpers::TestApp;
use serde_json::Value;

/// A concrete URL for a documented path (placeholders filled with demo names).
fn concrete(path: &str) -> String {
    path.replace("{owner}", "acme")
        .replace("{name}", "robot-firmware")
        .replace("{tag}", "v2.4.0")
        .replace("{period}", "2026-11")
        .replace("{step}", "details")
        .replace("{id}", "x")
}

/// The security schemes an operation names (none = public).
fn schemes(op: &Value) -> Vec<String> {
    op["security"]
        .as_array()
        .map(|list| list.iter().filter_map(|s| s.as_object()).flat_map(|o| o.keys().cloned()).collect())
        .unwrap_or_default()
}

/// A JSON value of `schema` with every required property filled (strings
/// "x", numbers 1, the first enum value), so a body passes parsing and the
/// caller's rights are what is judged.
fn sample(schema: &Value, doc: &Value) -> Value {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        return sample(&doc["components"]["schemas"][name], doc);
    }
    if let Some(first) = schema["oneOf"].get(0).or_else(|| schema["anyOf"].get(0)).or_else(|| schema["allOf"].get(0)) {
        return sample(first, doc);
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(types) => {
            types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null").to_owned()
        }
        t => t.as_str().unwrap_or("object").to_owned(),
    };
    match kind.as_str() {
        "string" => Value::from("x"),
        "integer" | "number" => Value::from(1),
        "boolean" => Value::from(false),
        "array" => Value::Array(vec![]),
        "null" => Value::Null,
        _ => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                out.insert(name.to_owned(), sample(&schema["properties"][name], doc));
            }
            Value::Object(out)
        }
    }
}

/// Where `value` departs from `schema` (required properties, types, enums,
/// items), each as `at: what`; empty when it conforms. The documented
/// answer is a promise to every client generated from the document.
fn departures(value: &Value, schema: &Value, doc: &Value, at: &str) -> Vec<String> {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        return departures(value, &doc["components"]["schemas"][name], doc, at);
    }
    for (key, all) in [("oneOf", false), ("anyOf", false), ("allOf", true)] {
        if let Some(options) = schema[key].as_array() {
            let results: Vec<Vec<String>> = options.iter().map(|o| departures(value, o, doc, at)).collect();
            let ok = if all { results.iter().all(Vec::is_empty) } else { results.iter().any(Vec::is_empty) };
            return if ok { vec![] } else { results.into_iter().flatten().collect() };
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return vec![format!("{at}: {value} is not one of {allowed:?}")];
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return vec![], // any value
    };
    let fits = |t: &str| match t {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !types.iter().any(|t| fits(t)) {
        return vec![format!("{at}: {value} is not {types:?}")];
    }
    let mut out = Vec::new();
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            out.extend(departures(item, &schema["items"], doc, &format!("{at}[{i}]")));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                out.push(format!("{at}.{name}: missing"));
            }
        }
        for (name, field) in object {
            let declared = &schema["properties"][name];
            if !declared.is_null() {
                out.extend(departures(field, declared, doc, &format!("{at}.{name}")));
            }
        }
    }
    out
}

/// Checks a served answer against the operation's documented JSON schema
/// for its status; whether there was one to check.
fn check_answer(what: &str, op: &Value, status: u16, body: &Value, doc: &Value, problems: &mut Vec<String>) -> bool {
    if !(200..300).contains(&status) {
        return false;
    }
    let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"];
    if schema.is_null() || schema["type"] == "object" && schema["properties"].is_null() {
        return false; // a file, an empty answer or a free-form object
    }
    problems.extend(departures(body, schema, doc, "body").into_iter().map(|d| format!("{what} ({status}): {d}")));
    true
}

/// Who calls: an `Authorization` bearer key or a session cookie.
enum Caller<'a> {
    Nobody,
    Key(&'a str),
    Session(&'a str),
}

async fn call(app: &TestApp, method: &str, url: &str, body: &Value, who: &Caller<'_>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    let mut req = app.http.request(method, app.url(url)).json(body);
    req = match who {
        Caller::Nobody => req,
        Caller::Key(k) => req.bearer_auth(k),
        Caller::Session(c) => req.header("cookie", *c),
    };
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Session operations a tenant member may call: the overview (every signed-in
/// user sees their own role's) and the list of their tenant's API keys.
const MEMBER_MAY: [&str; 2] = ["/api/v1/overview", "/api/v1/api-keys"];

fn refused(status: u16) -> bool {
    matches!(status, 401 | 403)
}

#[tokio::test]
async fn every_documented_operation_refuses_the_wrong_caller_and_serves_the_right_one() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let full = app.create_key(&admin, "walk: every scope").await.1;
    let mut single = Vec::new();
    for scope in ["verify", "evidence", "admin", "read"] {
        single.push((scope, app.create_key_with(&admin, &format!("walk: {scope}"), &[scope]).await.1));
    }
    let mut sessions = Vec::new();
    for email in [
        "member@acme.demo",
        "admin@acme.demo",
        "admin@operator.demo",
        "security@operator.demo",
        "finance@operator.demo",
        "auditor@audit.demo",
    ] {
        sessions.push((email, app.login(email).await));
    }
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut problems = Vec::new();
    let mut walked = 0;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            let url = concrete(path);
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let request = if schema.is_null() { serde_json::json!({}) } else { sample(schema, &doc) };
            let what = format!("{} {path}", method.to_uppercase());
            let schemes = schemes(op);
            if schemes.is_empty() {
                continue; // public: the health, badge and key-set documents
            }
            walked += 1;
            let (status, body) = call(&app, method, &url, &request, &Caller::Nobody).await;
            if status != 401 || body["error"]["code"].as_str().is_none() {
                problems.push(format!("{what}: nobody got {status} {body}"));
            }
            if !op["responses"].as_object().is_some_and(|r| r.contains_key("401")) {
                problems.push(format!("{what}: 401 is not documented"));
            }
            if schemes.iter().any(|s| s == "api_key") {
                let (status, body) = call(&app, method, &url, &request, &Caller::Key(&full)).await;
                checked += usize::from(check_answer(&what, op, status, &body, &doc, &mut problems));
                if refused(status) {
                    problems.push(format!("{what}: a key with every scope was refused: {status} {body}"));
                }
                let mut answers = Vec::new();
                for (scope, key) in &single {
                    let (status, body) = call(&app, method, &url, &request, &Caller::Key(key)).await;
                    if status == 403 && body["error"]["code"] != "insufficient_scope" {
                        problems.push(format!(
                            "{what}: a key with only {scope} got 403 without insufficient_scope: {body}"
                        ));
                    }
                    answers.push((scope, status));
                }
                let wrong = answers.iter().filter(|(_, s)| *s == 403).count();
                let right = answers.iter().filter(|(_, s)| !refused(*s)).count();
                // Every key may read who it is; every other operation needs one scope.
                let any_key = path == "/api/v1/me";
                if right == 0 || (wrong == 0 && !any_key) {
                    problems.push(format!("{what}: one-scope keys answered {answers:?}"));
                }
            }
            if schemes.iter().any(|s| s == "session") {
                let mut answers = Vec::new();
                for (email, cookie) in &sessions {
                    let (status, body) = call(&app, method, &url, &request, &Caller::Session(cookie)).await;
                    checked += usize::from(check_answer(&what, op, status, &body, &doc, &mut problems));
                    answers.push((*email, status));
                }
                // Some demo role may (or is told the thing is not there), and a
                // tenant member may not, except where every signed-in user may.
                if answers.iter().all(|(_, s)| refused(*s)) {
                    problems.push(format!("{what}: every role refused: {answers:?}"));
                }
                let member_may = MEMBER_MAY.contains(&path.as_str()) && method == "get";
                if !member_may && !answers.iter().any(|(e, s)| *e == "member@acme.demo" && matches!(s, 403 | 404)) {
                    problems.push(format!("{what}: a tenant member was not refused: {answers:?}"));
                }
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
    assert!(walked >= 30, "only {walked} operations walked");
    assert!(checked >= 30, "only {checked} answers checked against their schema");
    eprintln!("{walked} operations walked, {checked} answers checked against their schema");
}

#[test]
fn the_schema_check_finds_missing_fields_wrong_types_and_unknown_values() {
    let doc = serde_json::json!({"components": {"schemas": {"Key": {
        "type": "object", "required": ["id", "scopes"],
        "properties": {
            "id": {"type": "string"},
            "used": {"type": ["integer", "null"]},
            "scopes": {"type": "array", "items": {"type": "string", "enum": ["read", "admin"]}},
            "owner": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Owner"}]}
        }},
        "Owner": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string"}}}
    }}});
    let schema = serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Key"}});
    let good = serde_json::json!([{"id": "k", "used": null, "scopes": ["read"], "owner": {"email": "a@b"}}]);
    assert_eq!(departures(&good, &schema, &doc, "body"), Vec::<String>::new());
    let bad = serde_json::json!([{"used": "yesterday", "scopes": ["root"], "owner": {}}]);
    let found = departures(&bad, &schema, &doc, "body");
    for expected in ["body[0].id: missing", "body[0].used", "body[0].scopes[0]", "body[0].owner"] {
        assert!(found.iter().any(|d| d.starts_with(expected)), "{expected} in {found:?}");
    }
}
