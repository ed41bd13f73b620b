//! The external audit dry-run kit: engagements, scoped auditor access, the
//! checklist, findings, decisions, alerts, the sign-off pack and the restore
//! drill. Runs on SQLite and on Postgres like the rest of the suite.

use crate::helpers::{PASSWORD, TestApp, error_code, session_cookie};
use app::domain::period::Day;
use serde_json::Value;

const DAY_MS: i64 = 86_400_000;

fn day(app: &TestApp, days: i64) -> String {
    Day::containing(app.state.now_ms() + days * DAY_MS).to_string()
}

/// Opens an engagement over `tenants` as security; returns its id.
async fn open(app: &TestApp, cookie: &str, name: &str, tenants: &str) -> String {
    let (from, to, ends) = (day(app, -30), day(app, 10), day(app, 20));
    let (s, b, _) = app
        .server_fn(
            "open_engagement",
            Some(cookie),
            &[
                ("name", name),
                ("firm", "Northwind Assurance"),
                ("period_start", &from),
                ("period_end", &to),
                ("access_ends", &ends),
                ("tenants", tenants),
                ("document", "# Scope\n\n- Evidence: packs"),
            ],
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b.as_str().unwrap().to_owned()
}

/// Invites `email` to the engagement and joins as them; returns the auditor's session cookie.
async fn join(app: &TestApp, op: &str, engagement: &str, email: &str) -> String {
    let (s, link, _) = app
        .server_fn(
            "invite_auditor",
            Some(op),
            &[("engagement_id", engagement), ("email", email), ("name", "An Auditor")],
        )
        .await;
    assert_eq!(s, 200, "{link}");
    let path = link.as_str().unwrap().split_once("/audit-invite/").map(|(_, t)| format!("/audit-invite/{t}")).unwrap();
    let r = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/audit/join");
    let invite_cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (s, view, _) = app.server_fn("audit_invitation", Some(&invite_cookie), &[]).await;
    assert_eq!(s, 200, "{view}");
    let sha = view["nda_sha256"].as_str().unwrap().to_owned();
    let (s, b, _) = app.server_fn("join_engagement", Some(&invite_cookie), &[("password", "")]).await;
    assert_eq!((s, error_code(&b)), (400, "invalid_input"), "the password policy applies: {b}");
    let (_, b, _) = app.server_fn("join_engagement", Some(&invite_cookie), &[("password", PASSWORD)]).await;
    assert_eq!(error_code(&b), "invalid_input", "the NDA must be accepted: {b}");
    let (s, b, headers) =
        app.server_fn("join_engagement", Some(&invite_cookie), &[("password", PASSWORD), ("nda_sha256", &sha)]).await;
    assert!(s < 400, "{b}");
    session_cookie(&headers).expect("signed in after joining")
}

async fn fieldwork(app: &TestApp, op: &str, id: &str) {
    let (s, b, _) = app.server_fn("start_fieldwork", Some(op), &[("engagement_id", id)]).await;
    assert_eq!(s, 200, "{b}");
}

/// An engagement over Acme in fieldwork with one auditor: (security's cookie, engagement id, auditor's cookie).
async fn in_fieldwork(app: &TestApp, name: &str, auditor_email: &str) -> (String, String, String) {
    let op = app.login("security@operator.demo").await;
    let a = open(app, &op, name, "acme-robotics").await;
    fieldwork(app, &op, &a).await;
    let auditor = join(app, &op, &a, auditor_email).await;
    (op, a, auditor)
}

/// The auditor files a minor finding of `severity`; returns its reference.
async fn file_finding(app: &TestApp, auditor: &str, engagement: &str, severity: &str) -> Value {
    let form =
        [("engagement_id", engagement), ("title", "T"), ("detail", "D"), ("kind", "minor"), ("severity", severity)];
    let (s, r) = call(app, auditor, "file_finding", &form).await;
    assert_eq!(s, 200, "{r}");
    r
}

async fn call(app: &TestApp, cookie: &str, f: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let (s, b, _) = app.server_fn(f, Some(cookie), form).await;
    (s, b)
}

#[tokio::test]
async fn an_auditor_sees_only_the_engagement_and_its_tenants() {
    let app = TestApp::spawn().await;
    let op = app.login("security@operator.demo").await;
    let a = open(&app, &op, "Acme only", "acme-robotics").await;
    let b = open(&app, &op, "Globex only", "globex").await;
    fieldwork(&app, &op, &a).await;
    fieldwork(&app, &op, &b).await;
    let auditor = join(&app, &op, &a, "alice@audit.example").await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let globex = app.state.db.org_by_slug("globex").await.unwrap().unwrap().id;

    // Engagement B and everything in it: not found.
    for f in [
        "engagement",
        "engagement_checklist",
        "engagement_evidence",
        "engagement_requests",
        "engagement_findings",
        "engagement_decisions",
        "engagement_signoffs",
    ] {
        let (s, v) = call(&app, &auditor, f, &[("engagement_id", &b)]).await;
        assert_eq!((s, error_code(&v)), (404, "not_found"), "{f} of another engagement: {v}");
        let (s, v) = call(&app, &auditor, f, &[("engagement_id", &a)]).await;
        assert_eq!(s, 200, "{f} of the auditor's own engagement: {v}");
    }
    let r = app.http.get(app.url(&format!("/audits/{b}/signoff.zip"))).header("cookie", &auditor).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .http
        .get(app.url(&format!("/api/v1/audit/engagements/{b}")))
        .header("cookie", &auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, list) = call(&app, &auditor, "list_engagements", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    // Globex's objects: filtered from lists, not found by id.
    let (_, tenants) = call(&app, &auditor, "list_tenants", &[]).await;
    let slugs: Vec<&str> = tenants.as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, vec!["acme-robotics"]);
    let (_, status) = call(&app, &auditor, "signature_status", &[("show", "")]).await;
    assert!(status["repos"].as_array().unwrap().iter().all(|r| r["tenant"] == "acme-robotics"), "{status}");
    let (_, log) = call(&app, &auditor, "list_audit_log", &[]).await;
    for e in log["entries"].as_array().unwrap() {
        let seq = e["seq"].as_i64().unwrap();
        let org = app.state.db.audit_page(seq - 1, 1).await.unwrap()[0].org_id.clone();
        assert_ne!(org.as_deref(), Some(globex.as_str()), "a Globex audit entry reached the auditor: {e}");
    }
    let globex_doc = app::ssr::audit_kit::library::upload_document(
        &app.state,
        &app::ssr::identity::auth::principal_for(&app.state, "admin@operator.demo").await.unwrap(),
        app::ssr::audit_kit::library::DocumentUpload {
            engagement_id: Some(b.clone()),
            kind: "evidence".into(),
            title: "Globex evidence".into(),
            version: "1".into(),
            owner: "ops".into(),
            filename: "g.txt".into(),
            bytes: b"globex only".to_vec(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for path in [format!("/audits/{a}/documents/{}", globex_doc.id), format!("/audits/{b}/documents/{}", globex_doc.id)]
    {
        let r = app.http.get(app.url(&path)).header("cookie", &auditor).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    // A pack of an out-of-scope tenant, asked for through the auditor's own engagement.
    let pack = pack_for(&app, &globex, "globex/edge", "v1.0.0").await;
    let r =
        app.http.get(app.url(&format!("/audits/{a}/packs/{pack}"))).header("cookie", &auditor).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let own = pack_for(&app, &acme, "acme/widget", "v1.0.0").await;
    let r = app.http.get(app.url(&format!("/audits/{a}/packs/{own}"))).header("cookie", &auditor).send().await.unwrap();
    assert_eq!(r.status(), 200, "the same route serves an in-scope pack");
    // Receipts: Globex's is not found through A; Acme's is served, signed, and checks out offline.
    for (admin, expect) in [("admin@globex.demo", 404), ("admin@acme.demo", 200)] {
        let key = crate::billing::key_of(&app, admin).await;
        assert_eq!(crate::billing::verify(&app, &key, true).await, 200);
        let org = app.state.db.user_by_email(admin).await.unwrap().unwrap().org_id;
        let receipt = app.state.db.receipts(&org, 1).await.unwrap().pop().unwrap();
        let r = app
            .http
            .get(app.url(&format!("/audits/{a}/receipts/{}", receipt.id)))
            .header("cookie", &auditor)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), expect, "{admin}'s receipt");
        if expect == 200 {
            let keys = app::ssr::verification::receipts::key_set(&app.state.db).await.unwrap();
            let keys: Vec<(Option<String>, String)> =
                keys.keys.into_iter().map(|k| (Some(k.keyid), k.public_key_pem)).collect();
            let checked = app::ssr::verification::receipts::verify_receipt(&r.text().await.unwrap(), &keys).unwrap();
            assert_eq!(checked.statement["predicate"]["receiptId"], receipt.id.as_str());
        }
    }
    let (_, evidence) = call(&app, &auditor, "engagement_evidence", &[("engagement_id", &a)]).await;
    let tenants: Vec<&str> =
        evidence["receipts"].as_array().unwrap().iter().map(|r| r["tenant"].as_str().unwrap()).collect();
    assert_eq!(tenants, vec!["acme-robotics"], "only in-scope tenants' receipts are listed");

    // Every read and download is in the access log, with what was served.
    let log = app.state.db.access_log(&a, 100).await.unwrap();
    assert!(log.iter().any(|l| l.kind == "download" && l.object.starts_with("pack acme/widget@")), "{log:?}");
    assert!(log.iter().any(|l| l.object == "checklist"));
    assert!(log.iter().all(|l| l.sha256.len() == 64));
    assert!(app.state.db.access_log(&b, 100).await.unwrap().is_empty(), "nothing of B was served");

    // Revoked: refused at once, on the next request.
    let auditor_id = app.state.db.user_by_email("alice@audit.example").await.unwrap().unwrap().id;
    let (s, _) = call(&app, &op, "revoke_auditor", &[("engagement_id", &a), ("user_id", &auditor_id)]).await;
    assert_eq!(s, 200);
    let (s, v) = call(&app, &auditor, "engagement", &[("engagement_id", &a)]).await;
    assert!(matches!(error_code(&v), "access_expired" | "unauthenticated"), "{s} {v}");
    let (_, v, _) = app.server_fn("login", None, &[("email", "alice@audit.example"), ("password", PASSWORD)]).await;
    assert_eq!(error_code(&v), "access_expired", "no new session either: {v}");
}

/// A pack for `repo@tag` of tenant `org`, signed by a key the tenant does not have (stored, failed).
async fn pack_for(app: &TestApp, org: &str, repo: &str, tag: &str) -> String {
    let (private, _) = app::ssr::verification::signing::generate_p256().unwrap();
    signed_pack(app, org, repo, tag, &private).await
}

/// A pack for `repo@tag` of tenant `org`, signed by a new key of the tenant's: verified.
async fn verified_pack(app: &TestApp, org: &str, repo: &str, tag: &str) -> String {
    let (private, public) = app::ssr::verification::signing::generate_p256().unwrap();
    let name = format!("k{}", rand::random::<u32>());
    let key =
        app::ssr::verification::trust::NewSigningKey { name: &name, pem: &public, not_before: None, not_after: None };
    app::ssr::verification::trust::add_signing_key(&app.state, "test", org, key).await.unwrap();
    signed_pack(app, org, repo, tag, &private).await
}

async fn signed_pack(app: &TestApp, org: &str, repo: &str, tag: &str, private: &str) -> String {
    let pair = app::ssr::verification::signing::load_private_key(private).unwrap();
    let files = vec![("README.md".to_owned(), b"pack".to_vec())];
    let zip = app::ssr::evidence::packs::build(repo, tag, "2026-01-01T00:00:00Z", &files, |m| {
        pair.sign(m).map(|s| s.as_bytes().to_vec()).unwrap_or_default()
    })
    .unwrap();
    match app::ssr::evidence::service::upload(&app.state, "test", org, repo, tag, zip).await.unwrap() {
        app::ssr::evidence::service::Uploaded::Created(p) | app::ssr::evidence::service::Uploaded::Unchanged(p) => p.id,
    }
}

/// The server functions an auditor may call: reads, their fieldwork, the NDA, the answer, their session.
const AUDITOR_MAY: &[&str] = &[
    "login",
    "logout",
    "current_user",
    "sla_status",
    "overview",
    "list_engagements",
    "engagement",
    "engagement_checklist",
    "engagement_evidence",
    "engagement_requests",
    "engagement_findings",
    "engagement_decisions",
    "engagement_signoffs",
    "raise_request",
    "review_request",
    "draw_sample",
    "file_finding",
    "add_audit_comment",
    "answer_signoff",
    "current_nda",
    "accept_nda",
    "list_tenants",
    "signature_status",
    "list_drills",
    "list_audit_log",
    "audit_invitation",
    "join_engagement",
    "onboarding_view",
    "take_onboarding_link",
];

/// The partner onboarding wizard's functions: authorised by an invitation
/// cookie (not a session), which an auditor does not hold.
const INVITEE_FUNCTIONS: &[&str] = &[
    "onboarding_session",
    "onboard_details",
    "onboard_webhook",
    "onboard_policy",
    "onboard_repository",
    "onboard_finish",
    "onboard_go_to",
    "take_onboarding_key",
    "request_new_invitation",
];

/// Every field any server function takes, filled in (each function reads the ones it names).
fn universal_form(engagement: &str) -> Vec<(&str, &str)> {
    let mut form = vec![("engagement_id", engagement)];
    for f in [
        "name",
        "firm",
        "email",
        "role",
        "password",
        "tenant_slug",
        "slug",
        "plan",
        "key_id",
        "tenant_id",
        "suspended",
        "user_id",
        "url",
        "message_id",
        "title",
        "detail",
        "kind",
        "severity",
        "body",
        "subject",
        "request_id",
        "finding_id",
        "owner",
        "status",
        "decision",
        "statement",
        "pack_sha256",
        "reference",
        "rationale",
        "decided_on",
        "finding_ref",
        "risk_id",
        "likelihood",
        "impact",
        "mitigation",
        "review_date",
        "item_id",
        "ticked",
        "document_id",
        "population",
        "size",
        "tenants",
        "repos",
        "document",
        "period_start",
        "period_end",
        "access_ends",
        "invitation_id",
        "nda_sha256",
        "vendor",
        "evidence",
        "public_key",
        "identity",
        "issuer",
        "rpo_minutes",
        "rto_minutes",
        "period",
        "event",
        "price",
        "from",
        "current_version",
        "allowed_lag",
        "active_days",
        "require_org_workflow",
        "trusted_root",
        "reason",
        "expires_in_days",
        "show",
        "token",
        "note",
        "label",
        "days",
        "step",
        "value",
        "artifact_text",
        "artifact_digest",
        "key",
        "predicate_type",
        "builder_id",
        "scope_verify",
        "root_cause",
        "corrective_action",
        "due_date",
        "effectiveness",
        "decision_title",
        "decision_rationale",
        "decision_owner",
        "webhook_url",
        "policy_version",
        "repo",
        "admin_name",
        "admin_email",
        "admin_password",
        "suspend",
        "tenant",
        "active",
        "id",
        "scope_read",
        "scope_admin",
        "scope_evidence",
        "scopes_chosen",
    ] {
        form.push((f, "x"));
    }
    form
}

#[tokio::test]
async fn an_auditor_changes_nothing_but_their_fieldwork() {
    let app = TestApp::spawn().await;
    let (_, a, auditor) = in_fieldwork(&app, "Writes", "writes@audit.example").await;
    let entries_before = app.state.db.audit_entries(None, 100_000).await.unwrap().len();
    let form = universal_form(&a);
    let mut tried = 0;
    let mut answered = Vec::new();
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.trim_start_matches("/api/");
        if AUDITOR_MAY.contains(&name) {
            continue;
        }
        tried += 1;
        let (s, b, _) = app.server_fn(name, Some(&auditor), &form).await;
        let refused = if INVITEE_FUNCTIONS.contains(&name) {
            // No invitation, so nothing to act on or show (the wizard's own tests cover its refusals).
            s >= 400 || b.is_null()
        } else {
            matches!(error_code(&b), "forbidden" | "not_found")
        };
        if !refused {
            answered.push(format!("{name}: {s} {b}"));
        }
    }
    assert_eq!(answered, Vec::<String>::new(), "every server function outside the auditor's rights refuses them");
    assert!(tried > 40, "only {tried} server functions tried");
    // The machine API's writes: an auditor has no key, and the session alone gets nowhere.
    let openapi: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let allowed_api = [
        "/api/v1/audit/engagements/{id}/findings",
        "/api/v1/audit/engagements/{id}/comments",
        "/api/v1/audit/engagements/{id}/answers",
        // Signing in and out touches only the caller's own session.
        "/api/v1/session",
    ];
    for (path, ops) in openapi["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys().filter(|m| *m != "get") {
            if allowed_api.contains(&path.as_str()) {
                continue;
            }
            let url = app.url(
                &path
                    .replace("{id}", &a)
                    .replace("{owner}", "acme")
                    .replace("{name}", "x")
                    .replace("{tag}", "v1")
                    .replace("{step}", "1"),
            );
            let req = match method.as_str() {
                "post" => app.http.post(&url),
                "put" => app.http.put(&url),
                "delete" => app.http.delete(&url),
                other => panic!("unexpected method {other}"),
            };
            let r = req.header("cookie", &auditor).json(&serde_json::json!({})).send().await.unwrap();
            assert!(
                matches!(r.status().as_u16(), 400 | 401 | 403 | 404 | 413 | 422),
                "{method} {path}: {}",
                r.status()
            );
            assert!(
                r.status().as_u16() != 400 || !path.starts_with("/api/v1/audit"),
                "{method} {path} read the body before checking the role"
            );
        }
    }
    for path in [format!("/audits/{a}/requests/req_x/evidence"), "/audit-library/documents".to_owned()] {
        let part = reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt");
        let r = app
            .http
            .post(app.url(&path))
            .header("cookie", &auditor)
            .multipart(reqwest::multipart::Form::new().text("title", "x").part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    assert_eq!(app.state.db.audit_entries(None, 100_000).await.unwrap().len(), entries_before, "nothing was written");

    // What they may write works: a finding, a comment on it, an evidence request.
    let (s, r) = call(
        &app,
        &auditor,
        "file_finding",
        &[("engagement_id", &a), ("title", "T"), ("detail", "D"), ("kind", "minor"), ("severity", "low")],
    )
    .await;
    assert_eq!((s, r.as_str()), (200, Some("FND-001")));
    let f = app.state.db.audit_findings(&a).await.unwrap()[0].id.clone();
    assert_eq!(
        call(&app, &auditor, "add_audit_comment", &[("engagement_id", &a), ("subject", &f), ("body", "Please fix")])
            .await
            .0,
        200
    );
    assert_eq!(call(&app, &auditor, "raise_request", &[("engagement_id", &a), ("title", "Show me")]).await.0, 200);
}

#[tokio::test]
async fn an_auditor_accepts_the_nda_before_seeing_anything_and_again_for_a_new_version() {
    let app = TestApp::spawn().await;
    let op = app.login("security@operator.demo").await;
    let a = open(&app, &op, "NDA", "acme-robotics").await;
    let auditor = join(&app, &op, &a, "nda@audit.example").await;
    assert_eq!(call(&app, &auditor, "engagement", &[("engagement_id", &a)]).await.0, 200);
    let (s, _) = call(&app, &op, "publish_nda", &[("engagement_id", &a), ("body", "# NDA v2\n\nStricter.")]).await;
    assert_eq!(s, 200);
    let (s, v) = call(&app, &auditor, "engagement", &[("engagement_id", &a)]).await;
    assert_eq!((s, error_code(&v)), (403, "nda_required"), "{v}");
    let (_, v) = call(&app, &auditor, "list_tenants", &[]).await;
    assert_eq!(error_code(&v), "nda_required");
    let (s, nda) = call(&app, &auditor, "current_nda", &[]).await;
    assert_eq!(s, 200);
    assert_eq!(nda[1], 2);
    let (_, v) = call(&app, &auditor, "accept_nda", &[("nda_sha256", "0".repeat(64).as_str())]).await;
    assert_eq!(error_code(&v), "invalid_input", "accepting a version not read is refused");
    assert!(call(&app, &auditor, "accept_nda", &[("nda_sha256", nda[2].as_str().unwrap())]).await.0 < 400);
    assert_eq!(call(&app, &auditor, "engagement", &[("engagement_id", &a)]).await.0, 200);
    let accepted = app.state.db.nda_acceptances(&a).await.unwrap();
    assert_eq!(accepted.iter().map(|n| n.nda_version).collect::<Vec<_>>(), vec![1, 2]);
    assert!(accepted.iter().all(|n| n.nda_sha256.len() == 64 && !n.client.is_empty()));
}

#[tokio::test]
async fn a_locked_scope_changes_only_with_a_decision_and_keeps_every_version() {
    let app = TestApp::spawn().await;
    let op = app.login("security@operator.demo").await;
    let a = open(&app, &op, "Scope", "acme-robotics").await;
    let change =
        |doc: &'static str| vec![("engagement_id", a.as_str()), ("tenants", "acme-robotics"), ("document", doc)];
    assert_eq!(
        call(&app, &op, "change_scope", &change("# Scope v2")).await,
        (200, Value::from(2)),
        "free while scoping"
    );
    fieldwork(&app, &op, &a).await;
    let (s, v) = call(&app, &op, "change_scope", &change("# Scope v3")).await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "locked: {v}");
    assert!(v["message"].as_str().unwrap().contains("scope-delta decision"));
    let mut with_decision = change("# Scope v3");
    let today = day(&app, 0);
    with_decision.extend([
        ("decision_title", "Add packs"),
        ("decision_rationale", "Auditor asked"),
        ("decision_owner", "Sam"),
        ("decided_on", today.as_str()),
    ]);
    assert_eq!(call(&app, &op, "change_scope", &with_decision).await.0, 200);
    let scopes = app.state.db.scopes(&a).await.unwrap();
    assert_eq!(scopes.len(), 3, "every version kept");
    assert_eq!(scopes[0].document, "# Scope\n\n- Evidence: packs");
    assert!(scopes[0].decision_id.is_none() && scopes[1].decision_id.is_none());
    let decisions = app.state.db.audit_decisions(&a).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!((decisions[0].kind.as_str(), decisions[0].scope_version), ("scope_delta", Some(3)));
    assert_eq!(scopes[2].decision_id.as_deref(), Some(decisions[0].id.as_str()));
    let digests: std::collections::BTreeSet<&str> = scopes.iter().map(|s| s.sha256.as_str()).collect();
    assert_eq!(digests.len(), 3);
}

#[tokio::test]
async fn the_checklist_follows_the_evidence() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let op = app.login("security@operator.demo").await;
    let p = app::ssr::identity::auth::principal_for(&app.state, "security@operator.demo").await.unwrap();
    let a = open(&app, &op, "Checklist", "acme-robotics").await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let status = |c: &Value, i: usize| c["items"][i]["status"].as_str().unwrap().to_owned();
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 0), "failed", "scoping: {}", c["items"][0]);
    assert_eq!(status(&c, 2), "not_checked", "no signed evidence in scope yet: {}", c["items"][2]);
    let failing = pack_for(&app, &acme, "acme/widget", "v1.0.0").await;
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 2), "failed", "the latest release pack failed: {}", c["items"][2]);
    assert!(c["items"][2]["reason"].as_str().unwrap().contains("acme/widget@v1.0.0"), "{failing}");
    verified_pack(&app, &acme, "acme/widget", "v1.1.0").await;
    assert_eq!(status(&c, 3), "failed", "no DPA/DPIA yet");
    assert_eq!(status(&c, 4), "failed", "no DR targets yet");
    fieldwork(&app, &op, &a).await;
    join(&app, &op, &a, "check@audit.example").await;
    for (kind, review) in [("dpa", 100), ("dpia", 10)] {
        let doc = app::ssr::audit_kit::library::DocumentUpload {
            kind: kind.into(),
            title: kind.into(),
            version: "1".into(),
            owner: "gov".into(),
            review_date: day(&app, review),
            filename: format!("{kind}.md"),
            bytes: b"text".to_vec(),
            ..Default::default()
        };
        app::ssr::audit_kit::library::upload_document(&app.state, &p, doc).await.unwrap();
    }
    app::ssr::audit_kit::library::set_dr_targets(&app.state, &p, "15", "60").await.unwrap();
    let drill = app::ssr::audit_kit::restore::run(&app.state, "security@operator.demo").await.unwrap();
    assert!(drill.passed, "{}", drill.to_markdown());
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 0), "passed", "{}", c["items"][0]);
    assert_eq!(status(&c, 2), "passed", "{}", c["items"][2]);
    assert_eq!(status(&c, 3), "passed", "{}", c["items"][3]);
    assert_eq!(status(&c, 4), "passed", "{}", c["items"][4]);
    assert_eq!(status(&c, 1), "failed", "acme/widget runs no signed policy bundle: {}", c["items"][1]);
    assert_eq!(c["passed"], 4);
    // Eleven days on, the DPIA is past its review date: the item flips.
    clock.advance_ms(11 * DAY_MS);
    let op = app.login("security@operator.demo").await;
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 3), "failed");
    assert!(c["items"][3]["reason"].as_str().unwrap().contains("DPIA is past its review date"), "{}", c["items"][3]);
    // A manual item, ticked by a named person.
    let (s, _) = call(&app, &op, "add_checklist_item", &[("engagement_id", &a), ("title", "Walkthrough held")]).await;
    assert_eq!(s, 200);
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 5), "not_checked");
    let item = c["items"][5]["key"]["id"].as_str().unwrap().to_owned();
    call(&app, &op, "tick_checklist_item", &[("engagement_id", &a), ("item_id", &item), ("ticked", "yes")]).await;
    let (_, c) = call(&app, &op, "engagement_checklist", &[("engagement_id", &a)]).await;
    assert_eq!(status(&c, 5), "passed");
    assert!(c["items"][5]["reason"].as_str().unwrap().contains("security@operator.demo"));
}

#[tokio::test]
async fn the_acceptance_rule_passes_two_low_findings_and_fails_a_medium_one() {
    let app = TestApp::spawn().await;
    let (op, a, auditor) = in_fieldwork(&app, "Rule", "rule@audit.example").await;
    file_finding(&app, &auditor, &a, "low").await;
    file_finding(&app, &auditor, &a, "low").await;
    let (_, f) = call(&app, &op, "engagement_findings", &[("engagement_id", &a)]).await;
    assert_eq!(f["rule"]["passed"], true, "{}", f["rule"]);
    let (_, list) = call(&app, &op, "list_engagements", &[]).await;
    let card = list.as_array().unwrap().iter().find(|c| c["id"] == a.as_str()).unwrap();
    assert_eq!(card["rule"]["passed"], true);
    file_finding(&app, &auditor, &a, "medium").await;
    let (_, f) = call(&app, &op, "engagement_findings", &[("engagement_id", &a)]).await;
    assert_eq!(f["rule"]["passed"], false);
    assert_eq!(f["rule"]["above_low"], 1);
    assert_eq!(f["rule"]["remediation_items"], 3);
}

#[tokio::test]
async fn an_overdue_remediation_raises_an_alert_that_clears_when_closed() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let (op, a, auditor) = in_fieldwork(&app, "Overdue", "due@audit.example").await;
    file_finding(&app, &auditor, &a, "low").await;
    let f = app.state.db.audit_findings(&a).await.unwrap()[0].id.clone();
    let due = day(&app, 2);
    let remediate = |cookie: &str, status: &'static str, eff: &'static str| {
        let (app, cookie, a, f, due) = (&app, cookie.to_owned(), a.clone(), f.clone(), due.clone());
        async move {
            let form = [
                ("engagement_id", a.as_str()),
                ("finding_id", f.as_str()),
                ("owner", "Alex"),
                ("due_date", due.as_str()),
                ("status", status),
                ("effectiveness", eff),
            ];
            app.server_fn("remediate_finding", Some(&cookie), &form).await
        }
    };
    assert_eq!(remediate(&op, "remediating", "").await.0, 200);
    let overdue = || async {
        app.state
            .db
            .open_alerts()
            .await
            .unwrap()
            .into_iter()
            .filter(|x| x.kind == "audit.remediation_overdue")
            .collect::<Vec<_>>()
    };
    app::ssr::audit_kit::alerts::sync(&app.state).await.unwrap();
    assert!(overdue().await.is_empty(), "not due yet");
    clock.advance_ms(3 * DAY_MS);
    let op = app.login("security@operator.demo").await; // the earlier session idled out
    let synced = app::ssr::audit_kit::alerts::sync(&app.state).await.unwrap();
    assert_eq!(synced.opened, 1);
    let open = overdue().await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].subject, format!("{a}/FND-001"));
    assert!(open[0].message.contains("overdue"), "{}", open[0].message);
    let (_, list) = call(&app, &op, "list_engagements", &[]).await;
    let card = list.as_array().unwrap().iter().find(|c| c["id"] == a.as_str()).unwrap();
    assert_eq!(card["overdue_findings"], 1, "{card}");
    assert_eq!(app::ssr::audit_kit::alerts::sync(&app.state).await.unwrap().opened, 0, "deduplicated");
    let (s, v, _) = remediate(&op, "closed", "").await;
    assert_eq!((s, error_code(&v)), (400, "invalid_input"), "closing needs the effectiveness check");
    assert_eq!(remediate(&op, "closed", "Re-signed bundle verifies; key revoked").await.0, 200);
    assert!(overdue().await.is_empty(), "closing the finding clears its alert");
    let all = app.state.db.recent_alerts(0, 10).await.unwrap();
    assert!(all.iter().any(|x| x.kind == "audit.remediation_overdue" && x.cleared_at.is_some()));
}

#[tokio::test]
async fn decisions_are_never_edited_and_a_risk_acceptance_settles_its_finding() {
    let app = TestApp::spawn().await;
    let (op, a, auditor) = in_fieldwork(&app, "Decisions", "dec@audit.example").await;
    file_finding(&app, &auditor, &a, "low").await;
    let today = day(&app, 0);
    let decision = |kind: &'static str, title: &'static str, finding: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("engagement_id", a.clone()),
            ("kind", kind.into()),
            ("title", title.into()),
            ("rationale", "R".into()),
            ("owner", "Sam".into()),
            ("decided_on", today.clone()),
            ("finding_ref", finding.into()),
        ]
    };
    let general = decision("general", "First", "");
    let g: Vec<(&str, &str)> = general.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(call(&app, &op, "record_decision", &g).await, (200, Value::from("DEC-001")));
    let mut rev = g.clone();
    rev.retain(|(k, _)| *k != "title");
    rev.extend([("title", "First, revised"), ("reference", "DEC-001")]);
    assert_eq!(call(&app, &op, "revise_decision", &rev).await, (200, Value::from(2)));
    let versions = app.state.db.audit_decisions(&a).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| (v.reference.as_str(), v.version, v.title.as_str())).collect::<Vec<_>>(),
        vec![("DEC-001", 1, "First"), ("DEC-001", 2, "First, revised")]
    );
    let risk = decision("risk_acceptance", "Accept", "FND-001");
    let r: Vec<(&str, &str)> = risk.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(call(&app, &op, "record_decision", &r).await.0, 200);
    assert_eq!(app.state.db.audit_findings(&a).await.unwrap()[0].status.as_str(), "accepted_risk");
    let (s, v) = call(&app, &auditor, "record_decision", &g).await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "auditors do not record decisions");
    let actions: Vec<String> =
        app.state.db.audit_entries(None, 1000).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions.iter().filter(|x| *x == "audit.decision.recorded").count(),
        3,
        "every version is in the hash-chained log"
    );
}

#[tokio::test]
async fn the_signoff_pack_is_deterministic_signed_and_answered_by_digest() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let (_, a, auditor) = in_fieldwork(&app, "Sign-off", "pack@audit.example").await;
    file_finding(&app, &auditor, &a, "low").await;
    let e = app.state.db.engagement(&a).await.unwrap().unwrap();
    let one = app::ssr::audit_kit::signoff::build_for(&app.state, &e).await.unwrap();
    let two = app::ssr::audit_kit::signoff::build_for(&app.state, &e).await.unwrap();
    assert_eq!(one.sha256, two.sha256);
    assert!(one.zip == two.zip, "byte-identical from the same state");

    // Offline check against the published key set, with the CLI; every kind of tampering is named.
    let keys = app.get_text("/.well-known/trust-portal/receipt-keys.json").await;
    let dir = tempfile::tempdir().unwrap();
    let keys_path = dir.path().join("keys.json");
    std::fs::write(&keys_path, &keys).unwrap();
    let verify = |zip: &[u8]| {
        let pack = dir.path().join(format!("{}.zip", rand::random::<u32>()));
        std::fs::write(&pack, zip).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
            .args(["signoff", "verify", "--keys"])
            .arg(&keys_path)
            .arg(&pack)
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(verify(&one.zip).0, 0);
    let files = app::ssr::evidence::packs::read_zip(&one.zip).unwrap();
    let rezip =
        |files: &std::collections::BTreeMap<String, Vec<u8>>| app::ssr::audit_kit::signoff::zip_files(files).unwrap();
    for (victim, expect) in [
        ("findings.json", "findings.json"),
        ("compliance/policy-bundles.json", "compliance/policy-bundles.json"),
        ("manifest.json", "manifest.json"),
        ("manifest.sig.json", "manifest.sig.json"),
        ("compliance/manifest.sig.json", "compliance/manifest.sig.json"),
    ] {
        let mut tampered = files.clone();
        let file = tampered.get_mut(victim).unwrap();
        if victim == "manifest.sig.json" {
            // A signature file is checked by its signature: change one byte of the signature itself.
            let mut env: Value = serde_json::from_slice(file).unwrap();
            let sig = env["signatures"][0]["sig"].as_str().unwrap().to_owned();
            let rest = sig.get(1..).unwrap_or_default();
            let flipped = if sig.starts_with('A') { format!("B{rest}") } else { format!("A{rest}") };
            env["signatures"][0]["sig"] = Value::from(flipped);
            *file = serde_json::to_vec(&env).unwrap();
        } else {
            file.extend_from_slice(b" ");
        }
        let (code, err) = verify(&rezip(&tampered));
        assert_eq!(code, 1, "{victim}: {err}");
        assert!(err.contains(expect), "{victim} names {expect}: {err}");
    }
    let mut added = files.clone();
    added.insert("extra.txt".into(), b"smuggled".to_vec());
    assert!(verify(&rezip(&added)).1.contains("extra.txt"));

    // Only a pack that was built can be answered; acceptance ends fieldwork and goes into the next pack.
    let r = app.http.get(app.url(&format!("/audits/{a}/signoff.zip"))).header("cookie", &auditor).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let served = r.headers()["x-content-sha256"].to_str().unwrap().to_owned();
    let answer = |sha: String, decision: &'static str| {
        let (app, auditor, a) = (&app, auditor.clone(), a.clone());
        async move {
            let form = [
                ("engagement_id", a.as_str()),
                ("pack_sha256", sha.as_str()),
                ("decision", decision),
                ("statement", "Reviewed."),
            ];
            app.server_fn("answer_signoff", Some(&auditor), &form).await
        }
    };
    let (s, v, _) = answer("ab".repeat(32), "accepted").await;
    assert_eq!((s, error_code(&v)), (404, "not_found"), "a digest never built: {v}");
    assert_eq!(answer(served.clone(), "rejected").await.0, 200);
    clock.advance_ms(1_000);
    assert_eq!(answer(served.clone(), "accepted").await.0, 200);
    assert_eq!(app.state.db.engagement(&a).await.unwrap().unwrap().state.as_str(), "accepted");
    let (s, v, _) = answer(served.clone(), "accepted").await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "an accepted engagement is closed for fieldwork: {v}");
    let e = app.state.db.engagement(&a).await.unwrap().unwrap();
    let next = app::ssr::audit_kit::signoff::build_for(&app.state, &e).await.unwrap();
    let next_files = app::ssr::evidence::packs::read_zip(&next.zip).unwrap();
    let acceptances: Value = serde_json::from_slice(&next_files["acceptances.json"]).unwrap();
    assert_eq!(acceptances.as_array().unwrap().len(), 2);
    assert_eq!(acceptances[1]["pack_sha256"], served);
    assert_eq!(acceptances[1]["decision"], "accepted");
    let actions: Vec<String> =
        app.state.db.audit_entries(None, 1000).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"audit.signoff.answered".to_owned()));
}

#[tokio::test]
async fn a_tenant_side_auditor_needs_the_auditor_access_feature() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await; // Acme is on Pro: no auditor access
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    verified_pack(&app, &acme, "acme/own", "v1.0.0").await; // evidence that verifies, for the plan's features
    let (from, to, ends) = (day(&app, -5), day(&app, 5), day(&app, 9));
    let form = [
        ("name", "Own audit"),
        ("firm", "F"),
        ("period_start", from.as_str()),
        ("period_end", to.as_str()),
        ("access_ends", ends.as_str()),
        ("document", "# S"),
    ];
    let (s, v) = call(&app, &admin, "open_engagement", &form).await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    assert!(v["message"].as_str().unwrap().contains("Auditor access"), "{v}");
    let op = app.login("admin@operator.demo").await;
    assert_eq!(call(&app, &op, "set_tenant_plan", &[("tenant_id", &acme), ("plan", "enterprise")]).await.0, 200);
    let (s, id) = call(&app, &admin, "open_engagement", &form).await;
    assert_eq!(s, 200, "{id}");
    let id = id.as_str().unwrap().to_owned();
    let scope = app.state.db.scopes(&id).await.unwrap();
    assert_eq!(scope[0].tenants, format!("[\"{acme}\"]"), "a tenant's own engagement scopes only that tenant");
    let (s, v) =
        call(&app, &admin, "change_scope", &[("engagement_id", &id), ("tenants", "globex"), ("document", "# S2")])
            .await;
    assert_eq!((s, error_code(&v)), (400, "invalid_input"), "{v}");
    assert_eq!(call(&app, &admin, "start_fieldwork", &[("engagement_id", &id)]).await.0, 200);
    let auditor = join(&app, &admin, &id, "own@audit.example").await;
    let (_, tenants) = call(&app, &auditor, "list_tenants", &[]).await;
    assert_eq!(tenants.as_array().unwrap().len(), 1);
    let (_, drills) = call(&app, &auditor, "list_drills", &[]).await;
    assert_eq!(drills, Value::Array(vec![]), "the operator's own evidence is not the tenant's to show");
    // Another tenant admin does not see it.
    let globex = app.login("admin@globex.demo").await;
    assert_eq!(call(&app, &globex, "engagement", &[("engagement_id", &id)]).await.0, 404);
}

#[tokio::test]
async fn the_restore_drill_restores_into_scratch_and_measures_the_recovery() {
    let app = TestApp::spawn().await;
    let op = app.login("security@operator.demo").await;
    let (s, passed) = call(&app, &op, "run_restore_drill", &[]).await;
    assert_eq!(s, 200);
    let body = app.state.db.drill_reports_of("restore", 1).await.unwrap().pop().unwrap();
    let report: app::domain::drill::DrillReport = serde_json::from_str(&body).unwrap();
    assert_eq!(passed, true, "{}", report.to_markdown());
    let m = report.restore.as_ref().expect("measured");
    assert_eq!(
        m.backend,
        match app.state.db.backend() {
            app::ssr::store::Backend::Sqlite => "sqlite",
            app::ssr::store::Backend::Postgres => "postgres",
        }
    );
    assert!(m.tables >= 40, "{m:?}");
    let live_rows: i64 = app.state.db.table_counts().await.unwrap().values().sum();
    assert!(m.rows_checked > 50 && m.rows_checked <= live_rows, "{m:?} live {live_rows}");
    assert!(m.restore_ms >= 0 && m.backup_ms >= 0);
    let names: Vec<&str> = report.steps.iter().map(|s| s.name.as_str()).collect();
    for step in [
        "the backup is written",
        "the backup is restored into a scratch database",
        "every table has the rows counted at the snapshot",
        "the restored audit log's hash chain verifies",
    ] {
        assert!(names.contains(&step), "{names:?}");
    }
    println!(
        "restore drill on {}: RTO {} ms, data-loss window {} ms, {} rows in {} tables",
        m.backend, m.restore_ms, m.data_loss_window_ms, m.rows_checked, m.tables
    );
    // The report is downloadable by those who read drills.
    let r =
        app.http.get(app.url(&format!("/drills/{}/report.md", report.id))).header("cookie", &op).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Recovery time (RTO measured)"));
}
