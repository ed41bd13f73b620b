use crate::helpers::TestApp;
use app::ssr::audit::verify_chain;

#[tokio::test]
async fn security_actions_are_chained_and_edits_are_detected() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (id, _) = app.create_key(&admin, "ci").await;
    app.server_fn("revoke_api_key", Some(&admin), &[("key_id", &id)]).await;

    let security = app.login("security@operator.demo").await;
    let (status, body, _) = app.server_fn("list_audit_log", Some(&security), &[]).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = body[0].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["login", "api_key.created", "api_key.revoked", "user.created", "org.created"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert_eq!(body[1], true);
    let n = verify_chain(&app.state.db).await.unwrap().unwrap();
    assert!(n >= 12, "{n}");

    sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE action = 'api_key.revoked'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let broken = verify_chain(&app.state.db).await.unwrap().unwrap_err();
    assert!(broken.reason.contains("edited"), "{broken}");
    let (_, body, _) = app.server_fn("list_audit_log", Some(&security), &[]).await;
    assert_eq!(body[1], false, "the page shows the break");
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
