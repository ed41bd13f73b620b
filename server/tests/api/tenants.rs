use crate::helpers::{TestApp, error_code};

#[tokio::test]
async fn operator_creates_a_tenant_and_changes_its_plan() {
    let app = TestApp::spawn().await;
    let op = app.login("admin@operator.demo").await;
    let (status, t, _) = app
        .server_fn("create_tenant", Some(&op), &[("name", "Initech"), ("slug", "initech"), ("plan", "enterprise")])
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["plan"], "enterprise");
    let id = t["id"].as_str().unwrap();
    assert!(id.starts_with("org_"));
    let (_, b, _) = app.server_fn("set_tenant_plan", Some(&op), &[("tenant_id", id), ("plan", "starter")]).await;
    assert!(b.is_null(), "{b}");
    let (_, list, _) = app.server_fn("list_tenants", Some(&op), &[]).await;
    let initech = list.as_array().unwrap().iter().find(|t| t["slug"] == "initech").unwrap().clone();
    assert_eq!(initech["plan"], "starter");
}

#[tokio::test]
async fn bad_tenant_input_names_the_field() {
    let app = TestApp::spawn().await;
    let op = app.login("admin@operator.demo").await;
    for (form, field, code) in [
        (vec![("name", ""), ("slug", "okay"), ("plan", "pro")], "Name", "invalid_input"),
        (vec![("name", "X"), ("slug", "Bad Slug"), ("plan", "pro")], "Slug", "invalid_input"),
        (vec![("name", "X"), ("slug", "okay"), ("plan", "gold")], "Plan", "invalid_input"),
        (vec![("name", "Dup"), ("slug", "globex"), ("plan", "pro")], "Slug", "conflict"),
    ] {
        let (status, b, _) = app.server_fn("create_tenant", Some(&op), &form).await;
        assert_eq!(error_code(&b), code, "{b}");
        assert_eq!(status, if code == "conflict" { 409 } else { 400 }, "{b}");
        assert!(b["message"].as_str().unwrap().starts_with(field), "{b}");
    }
    let (_, b, _) = app.server_fn("create_tenant", Some(&op), &[("name", "X")]).await;
    assert_eq!(error_code(&b), "invalid_input", "missing arguments are input errors: {b}");
    let (_, b, _) = app.server_fn("set_tenant_plan", Some(&op), &[("tenant_id", "org_nope"), ("plan", "pro")]).await;
    assert_eq!(error_code(&b), "not_found");
}
