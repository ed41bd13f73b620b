//! Demo data: an operator with one user per operator role, and two tenants on
//! different plans with their admins and a member. Idempotent.

use super::demo_usage::seed_usage;
use super::output::{Exit, report};
use app::domain::{AppError, OrgKind, Role};
use app::ssr::AppState;
use app::ssr::identity::accounts::{NewUser, create_org, create_user};
use serde::Serialize;

/// The password of every demo account (printed by `make run`).
pub const DEMO_PASSWORD: &str = "demo-password-123";

/// One demo login.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    /// E-mail.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Organisation slug.
    pub org: &'static str,
}

/// Every demo login.
pub const LOGINS: &[DemoLogin] = &[
    DemoLogin { email: "admin@operator.demo", name: "Olivia Operator", role: Role::OperatorAdmin, org: "topicality" },
    DemoLogin { email: "security@operator.demo", name: "Sam Security", role: Role::Security, org: "topicality" },
    DemoLogin { email: "finance@operator.demo", name: "Fiona Finance", role: Role::Finance, org: "topicality" },
    DemoLogin { email: "auditor@audit.demo", name: "Aditya Auditor", role: Role::Auditor, org: "topicality" },
    DemoLogin { email: "admin@acme.demo", name: "Alex Acme", role: Role::TenantAdmin, org: "acme-robotics" },
    DemoLogin { email: "member@acme.demo", name: "Mia Member", role: Role::TenantMember, org: "acme-robotics" },
    DemoLogin { email: "admin@globex.demo", name: "Gabriel Globex", role: Role::TenantAdmin, org: "globex" },
];

/// Seeds the demo data unless the operator organisation exists. Returns whether it seeded.
pub async fn seed(state: &AppState) -> Result<bool, AppError> {
    if state.db.operator_org().await?.is_some() {
        return Ok(false);
    }
    let actor = "demo-seed";
    create_org(state, actor, OrgKind::Operator, "Topicality", "topicality", None).await?;
    create_org(state, actor, OrgKind::Tenant, "Acme Robotics", "acme-robotics", Some("pro")).await?;
    create_org(state, actor, OrgKind::Tenant, "Globex", "globex", Some("starter")).await?;
    // Auditors join an engagement through its invitation: the demo auditor does, below.
    for login in LOGINS.iter().filter(|l| l.role != Role::Auditor) {
        create_user(
            state,
            actor,
            NewUser {
                email: login.email,
                name: login.name,
                role: login.role,
                password: DEMO_PASSWORD.to_owned(),
                org_slug: login.org,
            },
        )
        .await?;
    }
    seed_engagement(state).await?;
    Ok(true)
}

/// The demo engagement's name.
pub const DEMO_ENGAGEMENT: &str = "External audit dry-run (Sprint 12)";
const DAY_MS: i64 = 86_400_000;

/// The day `days` from now, `YYYY-MM-DD`.
fn day_from_now(state: &AppState, days: i64) -> String {
    app::domain::period::Day::containing(state.now_ms() + days * DAY_MS).to_string()
}

/// The demo engagement: opened by security over Acme and Globex, in
/// fieldwork, and the demo auditor joined through its invitation (NDA
/// accepted, access for 30 days).
async fn seed_engagement(state: &AppState) -> Result<(), AppError> {
    use app::ssr::audit_kit::engagements::{self, NewEngagement, ScopeInput};
    use app::ssr::audit_kit::invitations;
    let security = app::ssr::identity::auth::principal_for(state, "security@operator.demo").await?;
    let new = NewEngagement {
        name: DEMO_ENGAGEMENT.into(),
        firm: "Northwind Assurance LLP".into(),
        period_start: day_from_now(state, -30),
        period_end: day_from_now(state, 14),
        access_ends: day_from_now(state, 29),
        scope: ScopeInput {
            tenants: vec!["acme-robotics".into(), "globex".into()],
            repos: vec![],
            document: app::domain::audit_kit::SCOPE_TEMPLATE.into(),
        },
    };
    let e = engagements::open(state, &security, new).await?;
    engagements::start(state, &security, &e.id).await?;
    let invited = invitations::invite(state, &security, &e.id, "auditor@audit.demo", "Aditya Auditor").await?;
    let nda = state.db.ndas(&e.id).await?.pop().ok_or_else(AppError::internal)?;
    invitations::join(state, &invited.token, DEMO_PASSWORD.to_owned(), &nda.sha256, "127.0.0.1 (demo seed)").await?;
    Ok(())
}

/// Demo evidence for Acme Robotics (after [`seed`], only when it seeded):
/// a release signing key, a verified pack and a failing one, and signed
/// receipts from real verifications through the Attestation API's service.
pub async fn seed_evidence(state: &AppState) -> Result<(), AppError> {
    use app::ssr::verification::attestation::{self, ArtifactInput, Caller, KeyRef, Kind, VerifyRequest};
    use base64::Engine;
    let org = state.db.org_by_slug("acme-robotics").await?.ok_or_else(AppError::internal)?;
    let actor = "demo-seed";
    let (private, public) = app::ssr::verification::signing::generate_p256().map_err(|_| AppError::internal())?;
    let pair = app::ssr::verification::signing::load_private_key(&private).map_err(|_| AppError::internal())?;
    let sign = |m: &[u8]| pair.sign(m).map(|s| s.as_bytes().to_vec()).unwrap_or_default();
    let key = app::ssr::verification::trust::NewSigningKey {
        name: "release-2026",
        pem: &public,
        not_before: None,
        not_after: None,
    };
    app::ssr::verification::trust::add_signing_key(state, actor, &org.id, key).await?;

    // Who may sign policy bundles comes first: each release pack carries the org policy (policy.sig).
    let org_policy = crate::cli::demo_policy::seed_signers(state).await?;
    let policy_files = org_policy.pack_files()?;
    let files = |sbom: &str, tag: &str| {
        let mut files = policy_files.clone();
        files.push(("sbom.spdx.json".to_owned(), sbom.replace("{TAG}", tag).into_bytes()));
        files.push(("RELEASE-NOTES.md".to_owned(), format!("# robot-firmware {tag}\n").into_bytes()));
        files
    };
    // A release artifact the Attestation API verifies for Acme (its receipts), signed with the release key.
    let artifact = b"robot-firmware v2.4.0 image".to_vec();
    let artifact_sig = base64::engine::general_purpose::STANDARD.encode(sign(&artifact));
    // Each release was cut 6 minutes before its pack arrived (time-to-pack).
    let created = app::ssr::clock::rfc3339(state.now_ms() - 6 * 60_000);
    // An older verified release, a tampered one, then the newest (Acme's evidence for its Pro
    // features), which verifies: the audit's SBOM diff compares v2.3.5 with v2.4.0.
    for (tag, sbom, tamper) in [("v2.3.5", SBOM_V235, false), ("v2.3.9", SBOM_V235, true), ("v2.4.0", SBOM_V240, false)]
    {
        let mut files = files(sbom, tag);
        let zip = app::ssr::evidence::packs::build("acme/robot-firmware", tag, &created, &files, sign)
            .map_err(|_| AppError::internal())?;
        let zip = if tamper {
            // The same manifest, with the SBOM swapped after signing: fails its digest check.
            files[2].1 = br#"{"spdxVersion":"SPDX-2.3","name":"something-else"}"#.to_vec();
            rebuild_with_manifest_of(&zip, &files).unwrap_or(zip)
        } else {
            zip
        };
        app::ssr::evidence::service::upload(state, actor, &org.id, "acme/robot-firmware", tag, zip).await?;
    }
    crate::cli::demo_webhooks::seed(state, &org.id).await?;

    // Acme's CI has called the API since last month, whose invoice is issued; this month's calls follow.
    let last_month = crate::cli::demo_invoice::LastMonth::of(state);
    let api_key = demo_ci_key(&last_month.then, &org.id, actor).await?;
    last_month.seed(state, &org, &api_key.id).await?;
    let caller = Caller { org_id: &org.id, api_key_id: &api_key.id };
    for (artifact, signature) in [(&artifact, artifact_sig.as_str()), (&artifact, "bm90IGEgc2lnbmF0dXJl")] {
        let request = VerifyRequest {
            kind: Kind::CosignBlob,
            artifact: ArtifactInput::Bytes(artifact.clone()),
            evidence: signature.to_owned(),
            key: Some(KeyRef::Stored("release-2026".into())),
            rules: Default::default(),
            policy: None,
        };
        let _recorded = attestation::verify(state, caller, request).await?; // one passes, one is rejected
    }
    for _ in 0..2 {
        app::ssr::evidence::service::download(state, &org.id, "acme/robot-firmware", "v2.4.0").await?;
    }
    seed_usage(state, &org.id, &api_key.id, DEMO_CALLS_ACME).await?;
    let globex = state.db.org_by_slug("globex").await?.ok_or_else(AppError::internal)?;
    let globex_key = demo_ci_key(state, &globex.id, actor).await?;
    seed_usage(state, &globex.id, &globex_key.id, DEMO_CALLS_GLOBEX).await?;
    crate::cli::demo_policy::seed_adoption(state, &org_policy).await?;
    seed_onboarding(state).await?;
    seed_audit(state).await
}

/// Acme's SBOMs (SPDX 2.3): v2.4.0 upgrades openssl, relicenses zlib's bundle and adds libyaml.
const SBOM_V235: &str = r#"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",
 "name":"robot-firmware-{TAG}","documentNamespace":"https://acme.example/spdx/robot-firmware-{TAG}",
 "creationInfo":{"created":"2026-03-01T10:00:00Z","creators":["Tool: syft-1.0.0"]},
 "packages":[
  {"name":"openssl","SPDXID":"SPDXRef-Package-openssl","versionInfo":"3.0.13","downloadLocation":"NOASSERTION",
   "licenseConcluded":"Apache-2.0","licenseDeclared":"Apache-2.0",
   "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/openssl@3.0.13"}]},
  {"name":"zlib","SPDXID":"SPDXRef-Package-zlib","versionInfo":"1.3","downloadLocation":"NOASSERTION",
   "licenseConcluded":"Zlib","licenseDeclared":"Zlib"},
  {"name":"left-pad","SPDXID":"SPDXRef-Package-left-pad","versionInfo":"1.3.0","downloadLocation":"NOASSERTION",
   "licenseDeclared":"WTFPL",
   "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/left-pad@1.3.0"}]}
 ]}"#;
const SBOM_V240: &str = r#"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",
 "name":"robot-firmware-{TAG}","documentNamespace":"https://acme.example/spdx/robot-firmware-{TAG}",
 "creationInfo":{"created":"2026-04-01T10:00:00Z","creators":["Tool: syft-1.0.0"]},
 "packages":[
  {"name":"openssl","SPDXID":"SPDXRef-Package-openssl","versionInfo":"3.0.15","downloadLocation":"NOASSERTION",
   "licenseConcluded":"Apache-2.0","licenseDeclared":"Apache-2.0",
   "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/openssl@3.0.15"}]},
  {"name":"zlib","SPDXID":"SPDXRef-Package-zlib","versionInfo":"1.3","downloadLocation":"NOASSERTION",
   "licenseConcluded":"Zlib AND MIT","licenseDeclared":"Zlib AND MIT"},
  {"name":"libyaml","SPDXID":"SPDXRef-Package-libyaml","versionInfo":"0.2.5","downloadLocation":"NOASSERTION",
   "licenseDeclared":"MIT",
   "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/libyaml@0.2.5"}]}
 ]}"#;

/// The demo audit's fieldwork, done through the portal's services by the
/// people who would do it: security fills the library (DPA, DPIA, a vendor
/// attestation, recovery targets, a real restore drill); the auditor raises
/// requests, draws a sample, files two low findings and looks around (the
/// access log); security answers, remediates and records decisions, one of
/// them a scope delta. The checklist then shows four of five items passed and
/// one deliberate failure (Acme's docs repository, signed by an unknown key).
pub async fn seed_audit(state: &AppState) -> Result<(), AppError> {
    use app::ssr::audit_kit::decisions::{self, DecisionInput};
    use app::ssr::audit_kit::engagements::{self, ScopeInput};
    use app::ssr::audit_kit::fieldwork::{self, NewFinding, Population, Remediation};
    use app::ssr::audit_kit::library::{self, DocumentUpload, VendorUpload};
    use app::ssr::audit_kit::{restore, views};
    use app::ssr::identity::auth::principal_for;
    use base64::Engine;
    let security = principal_for(state, "security@operator.demo").await?;
    let auditor = principal_for(state, "auditor@audit.demo").await?;
    let e = state
        .db
        .engagements(None)
        .await?
        .into_iter()
        .find(|e| e.name == DEMO_ENGAGEMENT)
        .ok_or_else(AppError::internal)?;
    for (kind, title, review, body) in [
        (
            "dpa",
            "Data processing agreement",
            180,
            "# Data processing agreement\n\nTopicality processes partner data only to verify and meter attestations.\n",
        ),
        (
            "dpia",
            "Data protection impact assessment",
            90,
            "# DPIA\n\nRisk: low. Stored: digests, signer identities, usage counts. No artifact contents.\n",
        ),
    ] {
        let doc = DocumentUpload {
            kind: kind.into(),
            title: title.into(),
            version: "2.1".into(),
            owner: "Governance".into(),
            review_date: day_from_now(state, review),
            filename: format!("{kind}-v2.1.md"),
            media_type: "text/markdown".into(),
            bytes: body.as_bytes().to_vec(),
            ..DocumentUpload::default()
        };
        library::upload_document(state, &security, doc).await?;
    }
    // A third-party attestation: Northwind Build Services signs its build image digest.
    let (private, public) = app::ssr::verification::signing::generate_p256().map_err(|_| AppError::internal())?;
    let pair = app::ssr::verification::signing::load_private_key(&private).map_err(|_| AppError::internal())?;
    let image = b"northwind-build-service-2026.4.tar.gz";
    let signature = pair.sign(image).map_err(|_| AppError::internal())?;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(image);
    library::upload_vendor_attestation(
        state,
        &security,
        VendorUpload {
            vendor: "Northwind Build Services".into(),
            title: "Build image 2026.4".into(),
            kind: "cosign_blob".into(),
            subject: format!("sha256:{}", hex::encode(digest)),
            evidence: base64::engine::general_purpose::STANDARD.encode(signature.as_bytes()),
            public_key: public,
            ..VendorUpload::default()
        },
    )
    .await?;
    library::set_dr_targets(state, &security, "15", "60").await?;
    restore::run(state, &security.email).await?;

    // Fieldwork.
    let drill_request = fieldwork::raise_request(
        state,
        &auditor,
        &e.id,
        "Restore drill report for the period",
        "The latest measured restore drill, with its RTO and data-loss window.",
    )
    .await?;
    let sample_request = fieldwork::raise_request(
        state,
        &auditor,
        &e.id,
        "Release pack evidence, sampled",
        "Pack reports of the sampled releases.",
    )
    .await?;
    fieldwork::draw_sample(state, &auditor, &e.id, Population::Packs, 2, Some(&sample_request.id)).await?;
    fieldwork::assign_request(state, &security, &e.id, &drill_request.id, "Sam Security").await?;
    let report = state.db.drill_reports_of("restore", 1).await?.pop().unwrap_or_default();
    let report: app::domain::drill::DrillReport = serde_json::from_str(&report).map_err(|_| AppError::internal())?;
    library::upload_document(
        state,
        &security,
        DocumentUpload {
            engagement_id: Some(e.id.clone()),
            request_id: Some(drill_request.id.clone()),
            kind: "evidence".into(),
            title: "Restore drill report".into(),
            version: "1".into(),
            owner: security.email.clone(),
            evidence_date: day_from_now(state, 0),
            filename: format!("{}.md", report.id),
            media_type: "text/markdown".into(),
            bytes: report.to_markdown().into_bytes(),
            ..DocumentUpload::default()
        },
    )
    .await?;
    fieldwork::review_request(state, &auditor, &e.id, &drill_request.id, true).await?;
    let docs = fieldwork::file_finding(
        state,
        &auditor,
        &e.id,
        NewFinding {
            title: "acme/robot-docs runs a policy bundle signed by an unknown key".into(),
            detail: "The bundle in force for acme/robot-docs does not verify with the organisation's policy keys."
                .into(),
            kind: "minor".into(),
            severity: "low".into(),
        },
    )
    .await?;
    let dpia = fieldwork::file_finding(
        state,
        &auditor,
        &e.id,
        NewFinding {
            title: "DPIA review has no reminder owner".into(),
            detail: "The DPIA is current, but nobody is named to start its next review before the date passes.".into(),
            kind: "minor".into(),
            severity: "low".into(),
        },
    )
    .await?;
    fieldwork::comment(
        state,
        &auditor,
        &e.id,
        &docs.id,
        "Please re-sign the docs bundle with policy-2026 and upload it.",
    )
    .await?;
    fieldwork::remediate(
        state,
        &security,
        &e.id,
        &docs.id,
        Remediation {
            root_cause: "The docs pipeline kept a personal key after the rotation.".into(),
            corrective_action: "Sign with the org workflow (org.policy.sign.yml); revoke the personal key.".into(),
            owner: "Alex Acme".into(),
            due_date: day_from_now(state, 10),
            status: "remediating".into(),
            effectiveness: String::new(),
        },
    )
    .await?;
    fieldwork::comment(state, &security, &e.id, &docs.id, "Acme re-signs in their next release; due in 10 days.")
        .await?;
    fieldwork::remediate(
        state,
        &security,
        &e.id,
        &dpia.id,
        Remediation {
            owner: "Governance".into(),
            corrective_action: "Calendar reminder 30 days before each review date.".into(),
            due_date: day_from_now(state, 21),
            status: "open".into(),
            ..Remediation::default()
        },
    )
    .await?;
    let today = day_from_now(state, 0);
    decisions::record(
        state,
        &security,
        &e.id,
        DecisionInput::parse(
            "general",
            "Accept Northwind's build attestation as vendor evidence",
            "Signed by the vendor's published key and verified by the portal.",
            "Sam Security",
            &today,
            "",
        )?,
    )
    .await?;
    let mut scope = engagements::current_scope(state, &e.id).await?.document;
    scope.push_str("- Vendor evidence: Northwind Build Services' signed build attestation\n");
    engagements::change_scope(
        state,
        &security,
        &e.id,
        ScopeInput { tenants: vec!["acme-robotics".into(), "globex".into()], repos: vec![], document: scope },
        Some(DecisionInput::parse(
            "scope_delta",
            "Add vendor evidence to the scope",
            "The auditor asked to review third-party build evidence.",
            "Olivia Operator",
            &today,
            "",
        )?),
    )
    .await?;
    for risk in ["risk_03", "risk_04"] {
        decisions::link_risk(state, &security, &e.id, risk).await?;
    }
    // The auditor looks around: these views are in the access log.
    views::checklist(state, &auditor, &e.id).await?;
    views::findings(state, &auditor, &e.id).await?;
    views::evidence(state, &auditor, &e.id).await?;
    Ok(())
}

/// A tenant's "Demo CI" API key. Its secret is dropped: the seed calls the services directly.
async fn demo_ci_key(state: &AppState, org_id: &str, actor: &str) -> Result<app::ssr::store::ApiKeyRow, AppError> {
    let (_secret, prefix, hash) = app::ssr::identity::auth::new_api_key();
    let key = app::ssr::store::ApiKeyRow {
        id: state.new_id(app::domain::ids::ApiKeyId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        name: "Demo CI".into(),
        prefix,
        created_by: actor.into(),
        created_at: state.now_ms(),
        last_used_at: None,
        revoked_at: None,
        scopes: "verify evidence read".into(),
    };
    let mut tx = state.db.transaction().await?;
    tx.insert_api_key(&key, &hash).await?;
    tx.commit().await?;
    Ok(key)
}

/// Verified Attestation API calls in the demo data (besides Acme's first two), so
/// both tenants have usage and an invoice preview for the current month.
pub const DEMO_CALLS_ACME: usize = 40;
/// See [`DEMO_CALLS_ACME`].
pub const DEMO_CALLS_GLOBEX: usize = 15;

/// A zip with `files` but the manifest and signature of `signed` (a tampered pack).
fn rebuild_with_manifest_of(signed: &[u8], files: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    use std::io::Write;
    let original = app::ssr::evidence::packs::read_zip(signed).ok()?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for name in ["manifest.json", "manifest.sig"] {
        zip.start_file(name, options).ok()?;
        zip.write_all(original.get(name)?).ok()?;
    }
    for (path, data) in files {
        zip.start_file(path.as_str(), options).ok()?;
        zip.write_all(data).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

/// Two onboardings as they happened (backdated telemetry): Acme in 18 minutes
/// with one failed webhook test on the way, Globex in 34 minutes with a pack
/// signed by the wrong key first. Both show in the operator's funnel.
pub async fn seed_onboarding(state: &AppState) -> Result<(), AppError> {
    use app::domain::ids::{InvitationId, OnboardingEventId, OnboardingId};
    use app::domain::onboarding::{EventKind, OnboardingData};
    use app::ssr::error::log_internal;
    use app::ssr::store::{InvitationRow, OnboardingEventRow, OnboardingRow};
    let db = &state.db;
    let now = state.now_ms();
    let min = 60_000;
    // (label, tenant, days ago, events as (minutes after the invitation, step, kind, reason))
    type Run<'a> = (&'a str, &'a str, i64, &'a [(i64, i64, EventKind, Option<&'a str>)]);
    let runs: [Run<'_>; 2] = [
        (
            "Acme Robotics",
            "acme-robotics",
            20 * 86_400_000,
            &[
                (2, 1, EventKind::Viewed, None),
                (5, 1, EventKind::Completed, None),
                (6, 2, EventKind::Failed, Some("webhook_status")),
                (8, 2, EventKind::Completed, None),
                (11, 3, EventKind::Completed, None),
                (16, 4, EventKind::Completed, None),
                (18, 5, EventKind::Completed, None),
            ],
        ),
        (
            "Globex",
            "globex",
            9 * 86_400_000,
            &[
                (4, 1, EventKind::Viewed, None),
                (9, 1, EventKind::Completed, None),
                (13, 2, EventKind::Completed, None),
                (17, 3, EventKind::Completed, None),
                (24, 4, EventKind::Failed, Some("signature_mismatch")),
                (31, 4, EventKind::Completed, None),
                (34, 5, EventKind::Completed, None),
            ],
        ),
    ];
    for (label, slug, ago, events) in runs {
        let org = db.org_by_slug(slug).await?.ok_or_else(AppError::internal)?;
        let invited = now - ago;
        let done = invited + events.last().map_or(0, |e| e.0) * min;
        let random_hash = app::ssr::identity::auth::sha256_hex(&app::ssr::identity::auth::random_token()); // nobody holds this token
        let invitation = InvitationRow {
            id: InvitationId::from_parts(u64::try_from(invited).unwrap_or(0), rand::random()).to_string(),
            token_hash: random_hash,
            label: label.into(),
            created_by: "admin@operator.demo".into(),
            created_at: invited,
            expires_at: invited + 7 * 86_400_000,
            used_at: None,
            renewal_requested_at: None,
            renewal_note: None,
        };
        db.insert_invitation(&invitation).await?;
        let mut tx = db.transaction().await?;
        tx.use_invitation(&invitation.id, done).await?;
        tx.commit().await?;
        let data = OnboardingData {
            tenant_name: Some(org.name.clone()),
            tenant_slug: Some(org.slug.clone()),
            plan: org.plan.clone(),
            ..OnboardingData::default()
        };
        let session = OnboardingRow {
            id: OnboardingId::from_parts(u64::try_from(invited).unwrap_or(0), rand::random()).to_string(),
            invitation_id: invitation.id.clone(),
            current_step: 5,
            completed_through: 5,
            org_id: Some(org.id.clone()),
            data: serde_json::to_string(&data).map_err(log_internal)?,
            last_failure: None,
            started_at: invited + events[0].0 * min,
            updated_at: done,
            completed_at: Some(done),
            abandoned_at: None,
        };
        db.insert_onboarding(&session).await?;
        for (i, (at_min, step, kind, reason)) in events.iter().enumerate() {
            let at = invited + at_min * min + i64::try_from(i).unwrap_or(0);
            let row = OnboardingEventRow {
                id: OnboardingEventId::from_parts(u64::try_from(at).unwrap_or(0), rand::random()).to_string(),
                session_id: session.id.clone(),
                step: *step,
                kind: kind.as_str().to_owned(),
                reason: reason.map(str::to_owned),
                via: "browser".into(),
                at,
            };
            db.insert_onboarding_event(&row).await?;
        }
    }
    Ok(())
}

/// `demo` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DemoCommand {
    /// Create the demo organisations and logins (skipped if already there).
    Seed,
}

/// Seeds the demo data and the evidence (`demo seed`).
pub async fn run(state: &AppState, json: bool) -> Exit {
    let result = match seed(state).await {
        Ok(true) => seed_evidence(state).await.map(|()| true),
        other => other,
    }
    .map(|seeded| serde_json::json!({ "seeded": seeded, "password": DEMO_PASSWORD, "logins": LOGINS }));
    let human = match &result {
        Ok(v) if v["seeded"] == true => "demo data created",
        _ => "demo data already present",
    };
    report(json, result, human)
}
