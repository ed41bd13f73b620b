use crate::helpers::{TestApp, error_code};

#[tokio::test]
async fn users_are_created_with_role_rules() {
    let app = TestApp::spawn().await;
    let op = app.login("admin@operator.demo").await;
    let (_, b, _) = app
        .server_fn(
            "create_user",
            Some(&op),
            &[("email", "aud2@audit.demo"), ("name", "Aud"), ("role", "auditor"), ("password", "long-enough-password")],
        )
        .await;
    assert_eq!(error_code(&b), "invalid_input", "auditors join an engagement instead: {b}");
    assert!(b["message"].as_str().unwrap().contains("invitation"), "{b}");
    assert!(app.state.db.user_by_email("aud2@audit.demo").await.unwrap().is_none(), "nothing created");
    let (_, b, _) = app
        .server_fn(
            "create_user",
            Some(&op),
            &[
                ("email", "short@acme.demo"),
                ("name", "S"),
                ("role", "tenant_member"),
                ("password", "short"),
                ("tenant_slug", "acme-robotics"),
            ],
        )
        .await;
    assert!(b["message"].as_str().unwrap().starts_with("Password"), "{b}");

    let acme = app.login("admin@acme.demo").await;
    let (status, b, _) = app
        .server_fn(
            "create_user",
            Some(&acme),
            &[
                ("email", "new@acme.demo"),
                ("name", "New"),
                ("role", "tenant_member"),
                ("password", "long-enough-password"),
                ("tenant_slug", "globex"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{b}");
    let acme_id = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    assert_eq!(b["org_id"], acme_id.as_str(), "a tenant admin's users always land in its own tenant");
    let (_, list, _) = app.server_fn("list_users", Some(&acme), &[]).await;
    assert!(list.as_array().unwrap().iter().all(|u| u["org_id"] == acme_id.as_str()), "{list}");
}

#[tokio::test]
async fn role_changes_apply_at_once_and_are_audited() {
    let app = TestApp::spawn().await;
    let op = app.login("admin@operator.demo").await;
    let member = app.login("member@acme.demo").await;
    let member_id = app.state.db.user_by_email("member@acme.demo").await.unwrap().unwrap().id;

    let (status, b, _) =
        app.server_fn("set_user_role", Some(&op), &[("user_id", &member_id), ("role", "tenant_admin")]).await;
    assert_eq!(status, 200, "{b}");
    let (_, me, _) = app.server_fn("current_user", Some(&member), &[]).await;
    assert!(me.is_null(), "the old session ended with the role change");
    let promoted = app.login("member@acme.demo").await;
    let (status, _, _) = app.server_fn("create_api_key", Some(&promoted), &[("name", "now allowed")]).await;
    assert_eq!(status, 200);

    let entries = app.state.db.audit_entries(None, 50).await.unwrap();
    let change = entries.iter().find(|e| e.action == "user.role_changed").expect("audited");
    assert_eq!(change.actor, "admin@operator.demo");
    assert!(change.detail.contains("from=tenant_member to=tenant_admin"), "{}", change.detail);
}

#[tokio::test]
async fn role_changes_are_refused_outside_the_rules() {
    let app = TestApp::spawn().await;
    let op = app.login("admin@operator.demo").await;
    let globex = app.login("admin@globex.demo").await;
    let id = |email: &'static str| {
        let db = app.state.db.clone();
        async move { db.user_by_email(email).await.unwrap().unwrap().id }
    };
    let member = id("member@acme.demo").await;
    let op_id = id("admin@operator.demo").await;
    let finance = id("finance@operator.demo").await;
    let auditor = id("auditor@audit.demo").await;

    for (cookie, user, role, code, why) in [
        (&globex, &member, "tenant_admin", "not_found", "another tenant's user"),
        (&op, &op_id, "finance", "invalid_input", "own role"),
        (&op, &member, "operator_admin", "invalid_input", "operator role for a tenant user"),
        (&op, &finance, "auditor", "invalid_input", "auditors are created, not converted"),
        (&op, &auditor, "security", "invalid_input", "auditors are not converted either"),
        (&op, &member, "king", "invalid_input", "unknown role"),
        (&op, &"usr_nope".to_owned(), "tenant_admin", "not_found", "unknown user"),
    ] {
        let (_, b, _) = app.server_fn("set_user_role", Some(cookie), &[("user_id", user), ("role", role)]).await;
        assert_eq!(error_code(&b), code, "{why}: {b}");
    }
    let member_cookie = app.login("member@acme.demo").await;
    let (status, _, _) =
        app.server_fn("set_user_role", Some(&member_cookie), &[("user_id", &member), ("role", "tenant_admin")]).await;
    assert_eq!(status, 403, "members cannot change roles");
}
