//! The Verify page's form post, `POST /verify` (multipart, files or text): a
//! dry run whose answer is the page with the form kept and the outcome.

use crate::helpers::TestApp;
use app::domain::verify_form::Example;
use reqwest::multipart::{Form, Part};

/// Posts the Verify form as a browser would and returns (status, HTML).
async fn post(app: &TestApp, cookie: Option<&str>, form: Form) -> (u16, String) {
    let mut req = app.http.post(app.url("/verify")).header("accept", "text/html").multipart(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.expect("request");
    (r.status().as_u16(), r.text().await.expect("body"))
}

fn example(slug: &str) -> &'static Example {
    Example::find(slug).expect("example")
}

async fn calls(app: &TestApp) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM verifications").fetch_one(app.state.db.pool()).await.unwrap();
    n
}

#[tokio::test]
async fn uploaded_files_are_checked_and_the_form_comes_back_with_the_digest() {
    let app = TestApp::spawn().await;
    let member = app.login("member@acme.demo").await;
    let e = example("cosign");
    let before = calls(&app).await;
    let form = Form::new()
        .text("kind", "cosign_blob")
        .part("artifact_file", Part::bytes(e.artifact_text.as_bytes().to_vec()).file_name("release-notes.txt"))
        .part("evidence_file", Part::text(e.evidence).file_name("release-notes.txt.sig"))
        // The empty fields come after the files, as a browser sends them.
        .text("artifact_text", "")
        .text("artifact_digest", "")
        .text("evidence", "")
        .text("public_key", e.public_key);
    let (status, html) = post(&app, Some(&member), form).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"check-passed\""), "{html}");
    assert!(html.contains("release-notes.txt"), "the uploaded file is named");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(e.artifact_text.as_bytes()))
    };
    assert!(html.contains(&format!("value=\"sha256:{digest}\"")), "the digest is kept in the form");
    assert!(html.contains(e.evidence.trim()), "the evidence file's text is kept in the form");
    assert_eq!(calls(&app).await, before, "a dry run records nothing");

    // A textarea's line breaks arrive as CRLF; the text signed with LF still verifies.
    let form = Form::new()
        .text("kind", "cosign_blob")
        .text("artifact_text", e.artifact_text.replace('\n', "\r\n"))
        .text("evidence", e.evidence)
        .text("public_key", e.public_key);
    let (_, html) = post(&app, Some(&member), form).await;
    assert!(html.contains("data-testid=\"check-passed\""), "{html}");
}

#[tokio::test]
async fn a_failure_is_told_in_words_and_a_form_that_cannot_be_checked_keeps_its_fields() {
    let app = TestApp::spawn().await;
    let member = app.login("member@acme.demo").await;
    let e = example("tampered");
    let form = Form::new()
        .text("kind", e.kind)
        .text("artifact_text", e.artifact_text)
        .text("evidence", e.evidence)
        .text("public_key", e.public_key);
    let (_, html) = post(&app, Some(&member), form).await;
    assert!(html.contains("data-testid=\"check-failed\""), "{html}");
    assert!(html.contains("The signature does not match this artifact and key."));
    assert!(html.contains("signature_mismatch"), "the API's reason code is named too");

    let form = Form::new()
        .text("kind", "cosign_blob")
        .part("artifact_file", Part::bytes(b"bytes".to_vec()).file_name("a.bin"))
        .text("artifact_text", "typed too")
        .text("evidence", "kept-evidence")
        .text("public_key", e.public_key);
    let (status, html) = post(&app, Some(&member), form).await;
    assert_eq!(status, 200);
    assert!(html.contains("upload a file or paste its text, not both"), "{html}");
    assert!(html.contains("kept-evidence"), "what was typed is not lost");

    let form = Form::new().text("kind", "in_toto").text("evidence", "").text("artifact_text", "x");
    let (_, html) = post(&app, Some(&member), form).await;
    assert!(html.contains("paste or upload the signature, bundle or envelope"), "{html}");
    assert!(html.contains("<option value=\"in_toto\" selected"), "the chosen kind is kept");
}

#[tokio::test]
async fn no_session_reads_nothing_and_a_cross_site_post_is_refused() {
    let app = TestApp::spawn().await;
    let e = example("cosign");
    let form =
        || Form::new().text("kind", "cosign_blob").text("artifact_text", e.artifact_text).text("evidence", e.evidence);
    let (status, html) = post(&app, None, form()).await;
    assert!(!html.contains("check-passed") && !html.contains("check-failed"), "{status} {html}");

    let member = app.login("member@acme.demo").await;
    let r = app
        .http
        .post(app.url("/verify"))
        .header("cookie", member)
        .header("origin", "https://evil.example")
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
