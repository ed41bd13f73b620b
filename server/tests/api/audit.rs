use crate::helpers::TestApp;
use app::ssr::audit::verify_chain;
use serde_json::Value;

#[tokio::test]
async fn security_actions_are_chained_and_edits_are_detected() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (id, _) = app.create_key(&admin, "ci").await;
    app.server_fn("revoke_api_key", Some(&admin), &[("key_id", &id)]).await;

    let security = app.login("security@operator.demo").await;
    let (status, body, _) = app.server_fn("list_audit_log", Some(&security), &[]).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = body["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["login", "api_key.created", "api_key.revoked", "user.created", "org.created"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert_eq!(body["intact"], true);
    let n = verify_chain(&app.state.db).await.unwrap().unwrap();
    assert!(n >= 12, "{n}");

    sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE action = 'api_key.revoked'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let broken = verify_chain(&app.state.db).await.unwrap().unwrap_err();
    assert!(broken.reason.contains("edited"), "{broken}");
    let (_, body, _) = app.server_fn("list_audit_log", Some(&security), &[]).await;
    assert_eq!(body["intact"], false, "the page shows the break");
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let state = app.state.clone();
        tasks.push(tokio::spawn(async move {
            let actor = format!("worker-{i}");
            app::ssr::audit::record(
                &state,
                app::ssr::audit::AuditEvent {
                    actor: &actor,
                    action: "test.concurrent",
                    org_id: None,
                    target: None,
                    detail: "",
                },
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert!(verify_chain(&app.state.db).await.unwrap().is_ok());
}

/// The change and its audit entry commit together: a unit of work dropped
/// before commit leaves neither; committed, both are there and the chain holds.
#[tokio::test]
async fn a_change_and_its_entry_commit_together_or_not_at_all() {
    use app::ssr::audit::{AuditEvent, append};
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let acme = db.org_by_slug("acme-robotics").await.unwrap().unwrap();

    let mut tx = db.transaction().await.unwrap();
    assert!(tx.set_tenant_suspended(&acme.id, Some(1)).await.unwrap());
    append(&mut tx, &app.state, &AuditEvent::new("test", "test.rolled_back").about(&acme.id, &acme.id)).await.unwrap();
    drop(tx);
    assert_eq!(db.org(&acme.id).await.unwrap().unwrap().suspended_at, None, "the write was rolled back");
    assert_eq!(count(db, "test.rolled_back").await, 0, "and so was its entry");

    let mut tx = db.transaction().await.unwrap();
    assert!(tx.set_tenant_suspended(&acme.id, Some(1)).await.unwrap());
    append(&mut tx, &app.state, &AuditEvent::new("test", "test.committed").about(&acme.id, &acme.id)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.org(&acme.id).await.unwrap().unwrap().suspended_at, Some(1));
    assert_eq!(count(db, "test.committed").await, 1);
    assert!(verify_chain(db).await.unwrap().is_ok());
}

async fn count(db: &app::ssr::store::Db, action: &str) -> usize {
    db.audit_entries(None, 10_000).await.unwrap().into_iter().filter(|e| e.action == action).count()
}

#[tokio::test]
async fn the_log_filters_by_actor_action_and_days_and_exports_the_same_entries() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (id, _) = app.create_key(&admin, "ci").await;
    app.server_fn("revoke_api_key", Some(&admin), &[("key_id", &id)]).await;
    let security = app.login("security@operator.demo").await;
    let list = |form: Vec<(&'static str, String)>| {
        let security = security.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.server_fn("list_audit_log", Some(&security), &form).await
        }
    };
    let actions = |body: &Value| -> Vec<String> {
        body["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
    };

    let (status, body, _) = list(vec![("action", "api_key".into())]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(actions(&body), ["api_key.revoked", "api_key.created"], "the action and everything under it");
    let (_, body, _) = list(vec![("action", "api_key.created".into()), ("actor", "admin@acme.demo".into())]).await;
    assert_eq!(actions(&body), ["api_key.created"]);
    let (_, body, _) = list(vec![("actor", "nobody@example.com".into())]).await;
    assert!(actions(&body).is_empty());
    let today = app::domain::period::Day::containing(app.state.now_ms()).to_string();
    let (_, body, _) = list(vec![("from", today.clone()), ("to", today.clone()), ("action", "login".into())]).await;
    assert_eq!(actions(&body).len(), 2, "both logins happened today: {body}");
    let (_, body, _) = list(vec![("from", "2020-01-01".into()), ("to", "2020-01-31".into())]).await;
    assert!(actions(&body).is_empty(), "nothing before the portal existed");
    let (status, body, _) = list(vec![("from", "2026-02-30".into())]).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
    assert!(body["message"].as_str().unwrap().starts_with("From: "), "{body}");
    let (status, _, _) = list(vec![("action", "x' OR 1=1 --".into())]).await;
    assert_eq!(status, 400);

    let get = |path: String, cookie: String| {
        let app = &app;
        async move { app.http.get(app.url(&path)).header("cookie", cookie).send().await.unwrap() }
    };
    let csv = get("/audit-log/export?format=csv&action=api_key".into(), security.clone()).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"audit-log-"));
    let csv = csv.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "seq,time_utc,actor,action,target,detail,hash_prefix");
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[1].contains(",admin@acme.demo,api_key.revoked,") && rows[2].contains(",api_key.created,"), "{csv}");
    let json: Value = get("/audit-log/export?format=json&actor=admin%40acme.demo".into(), security.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["filter"]["actor"], "admin@acme.demo");
    assert!(json["entries"].as_array().unwrap().iter().all(|e| e["actor"] == "admin@acme.demo"), "{json}");
    assert_eq!(get("/audit-log/export?format=xml".into(), security.clone()).await.status(), 400);
    assert_eq!(
        get("/audit-log/export?format=csv".into(), admin.clone()).await.status(),
        403,
        "tenant admins do not read the log"
    );
}
