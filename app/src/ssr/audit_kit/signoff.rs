//! The sign-off pack, `signoff.zip`: everything the auditor signs off on,
//! built from the engagement's state, and the auditor's answer to it.
//!
//! Contents: `engagement.json`, `scope.md` + `scope.json` (the current
//! version and every earlier one with its digest), `checklist.json` +
//! `checklist.md`, `findings.json` (with threads and the acceptance rule),
//! `decisions.json` (every version), `requests.json` (with samples),
//! `risks.json`, `access-log.json` (a summary per auditor and the NDA
//! acceptances), `acceptances.json` (earlier answers), the compliance pack
//! under `compliance/` (with its own signed manifest), and `manifest.json`
//! with `manifest.sig.json` (DSSE, the portal's current key) over all of it.
//!
//! **Byte-deterministic**: files sorted by path, every zip entry stamped
//! 1980-01-01 00:00 with mode 0644 and no extra fields, JSON with fixed field
//! order, and Ed25519 (deterministic) signatures. Times inside come from the
//! state itself (its last change) and the day the checklist was evaluated, so
//! the same state on the same day gives the same bytes.

use super::access::{Access, record};
use super::compliance::{self, Compliance};
use super::manifest::{self, Files};
use super::{MAX_TEXT_CHARS, lookup};
use crate::domain::audit_kit::{AcceptanceDecision, FindingFacts, remediation_rule};
use crate::domain::ids::AcceptanceId;
use crate::domain::period::Day;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{AcceptanceRow, EngagementRow, SignoffRow};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;

/// The payload type of the sign-off pack's signed manifest.
pub const PAYLOAD_TYPE: &str = "application/vnd.trust-portal.signoff-manifest+json";
/// The pack's kind in its manifest.
pub const KIND: &str = "trust-portal/signoff-pack/v1";

fn rfc(ms: i64) -> String {
    crate::ssr::clock::rfc3339(ms)
}

fn json(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

const README: &str = "# Sign-off pack\n\n\
This archive is the state of one audit engagement, signed by the Trust Portal.\n\n\
- `manifest.json` lists every file with its size and SHA-256; `manifest.sig.json` is a DSSE\n  \
envelope over the manifest's exact bytes, signed by the portal key named in it.\n\
- `compliance/` is the compliance pack, with its own signed manifest.\n\n\
Check it offline against the portal's published key set\n\
(`/.well-known/trust-portal/receipt-keys.json`):\n\n\
    trust-portal signoff verify --keys receipt-keys.json signoff.zip\n\n\
The command names the first file that does not match.\n";

/// Every file of the pack except the manifests, for engagement `e` evaluated on `today`.
async fn contents(state: &AppState, e: &EngagementRow, today: Day) -> Result<(Files, Compliance), AppError> {
    let db = &state.db;
    let owner = db.org(&e.owner_org_id).await?.ok_or_else(AppError::internal)?;
    let slugs: BTreeMap<String, String> = db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    let scopes = db.scopes(&e.id).await?;
    let current = scopes.last().ok_or_else(AppError::internal)?;
    let (checklist, compliance) = super::checklist::evaluate(state, e).await?;
    let decisions = db.audit_decisions(&e.id).await?;
    let decision_ref = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| decisions.iter().find(|d| &d.id == id))
            .map(|d| format!("{} v{}", d.reference, d.version))
    };
    let comments = db.audit_comments(&e.id).await?;
    let thread = |subject: &str| -> Vec<serde_json::Value> {
        comments
            .iter()
            .filter(|c| c.subject == subject)
            .map(|c| json!({"author": c.author, "role": c.author_role, "at": rfc(c.at), "body": c.body}))
            .collect()
    };
    let findings = db.audit_findings(&e.id).await?;
    let rule = remediation_rule(
        &findings.iter().map(|f| FindingFacts { kind: f.kind, severity: f.severity }).collect::<Vec<_>>(),
    );
    let mut files = Files::new();
    files.insert("README.md".into(), README.as_bytes().to_vec());
    files.insert(
        "engagement.json".into(),
        json(&json!({
            "id": e.id, "name": e.name, "firm": e.firm, "owner": owner.name,
            "period": {"start": e.period_start, "end": e.period_end},
            "state": e.state.as_str(), "access_ends_at": rfc(e.access_ends_at),
            "started_at": e.started_at.map(rfc), "accepted_at": e.accepted_at.map(rfc),
            "as_of": rfc(e.updated_at), "evaluated_on": today.to_string(),
        })),
    );
    let names = |json_ids: &str| -> Vec<String> {
        super::access::id_set(Some(json_ids))
            .unwrap_or_default()
            .into_iter()
            .map(|id| slugs.get(&id).cloned().unwrap_or(id))
            .collect()
    };
    files.insert("scope.md".into(), current.document.as_bytes().to_vec());
    files.insert(
        "scope.json".into(),
        json(&json!({
            "version": current.version, "sha256": current.sha256, "locked_at": e.started_at.map(rfc),
            "tenants": names(&current.tenants),
            "repos": super::access::id_set(Some(&current.repos))?,
            "versions": scopes.iter().map(|s| json!({
                "version": s.version, "sha256": s.sha256, "created_by": s.created_by, "created_at": rfc(s.created_at),
                "scope_delta_decision": decision_ref(&s.decision_id),
            })).collect::<Vec<_>>(),
        })),
    );
    files.insert("checklist.json".into(), json(&serde_json::to_value(&checklist).map_err(log_internal)?));
    files.insert("checklist.md".into(), checklist.to_markdown().into_bytes());
    files.insert(
        "findings.json".into(),
        json(&json!({
            "acceptance_rule": rule,
            "findings": findings.iter().map(|f| json!({
                "ref": f.reference, "title": f.title, "detail": f.detail, "kind": f.kind.as_str(),
                "severity": f.severity.as_str(), "status": f.status.as_str(), "root_cause": f.root_cause,
                "corrective_action": f.corrective_action, "owner": f.owner, "due_date": f.due_date,
                "effectiveness": f.effectiveness, "raised_by": f.raised_by, "raised_at": rfc(f.raised_at),
                "closed_at": f.closed_at.map(rfc), "thread": thread(&f.id),
            })).collect::<Vec<_>>(),
        })),
    );
    let finding_ref = |id: &Option<String>| {
        id.as_ref().and_then(|id| findings.iter().find(|f| &f.id == id)).map(|f| f.reference.clone())
    };
    files.insert(
        "decisions.json".into(),
        json(&serde_json::Value::Array(
            decisions
                .iter()
                .map(|d| {
                    json!({
                        "ref": d.reference, "version": d.version, "kind": d.kind.as_str(), "title": d.title,
                        "rationale": d.rationale, "owner": d.owner, "decided_on": d.decided_on,
                        "finding": finding_ref(&d.finding_id), "scope_version": d.scope_version,
                        "recorded_by": d.recorded_by, "recorded_at": rfc(d.recorded_at),
                    })
                })
                .collect(),
        )),
    );
    let samples = db.audit_samples(&e.id).await?;
    files.insert(
        "requests.json".into(),
        json(&json!({
            "requests": db.audit_requests(&e.id).await?.iter().map(|r| json!({
                "ref": r.reference, "title": r.title, "detail": r.detail, "owner": r.owner,
                "status": r.status.as_str(), "evidence_date": r.evidence_date, "raised_by": r.raised_by,
                "raised_at": rfc(r.raised_at), "thread": thread(&r.id),
                "samples": samples.iter().filter(|s| s.request_id.as_deref() == Some(r.id.as_str())).map(|s| s.id.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "samples": samples.iter().map(|s| json!({
                "id": s.id, "population": s.population, "population_size": s.population_size, "seed": s.seed,
                "items": serde_json::from_str::<serde_json::Value>(&s.items).unwrap_or_default(),
                "drawn_by": s.drawn_by, "drawn_at": rfc(s.drawn_at),
            })).collect::<Vec<_>>(),
        })),
    );
    files.insert(
        "risks.json".into(),
        json(&serde_json::Value::Array(
            db.engagement_risks(&e.id)
                .await?
                .iter()
                .map(|r| json!({
                    "ref": r.reference, "title": r.title, "likelihood": r.likelihood.as_str(), "impact": r.impact.as_str(),
                    "mitigation": r.mitigation, "owner": r.owner, "review_date": r.review_date,
                }))
                .collect(),
        )),
    );
    files.insert("access-log.json".into(), json(&access_summary(state, e).await?));
    files.insert(
        "acceptances.json".into(),
        json(&serde_json::Value::Array(
            db.acceptances(&e.id)
                .await?
                .iter()
                .map(|a| {
                    json!({
                        "pack_sha256": a.pack_sha256, "decision": a.decision.as_str(), "statement": a.statement,
                        "by": a.email, "at": rfc(a.at), "client": a.client,
                    })
                })
                .collect(),
        )),
    );
    Ok((files, compliance))
}

/// The access log, summarised per auditor, and the NDA acceptances.
async fn access_summary(state: &AppState, e: &EngagementRow) -> Result<serde_json::Value, AppError> {
    let log = state.db.access_log(&e.id, 100_000).await?;
    let mut per: BTreeMap<&str, (u64, u64, i64, i64)> = BTreeMap::new();
    for a in &log {
        let entry = per.entry(a.email.as_str()).or_insert((0, 0, i64::MAX, i64::MIN));
        if a.kind == "download" {
            entry.1 += 1
        } else {
            entry.0 += 1
        }
        entry.2 = entry.2.min(a.at);
        entry.3 = entry.3.max(a.at);
    }
    let auditors = state.db.auditors(&e.id).await?;
    Ok(json!({
        "auditors": auditors.iter().map(|a| {
            let (views, downloads, first, last) = per.get(a.email.as_str()).copied().unwrap_or((0, 0, 0, 0));
            json!({
                "email": a.email, "joined_at": rfc(a.joined_at), "revoked_at": a.revoked_at.map(rfc),
                "views": views, "downloads": downloads,
                "first_access": (views + downloads > 0).then(|| rfc(first)),
                "last_access": (views + downloads > 0).then(|| rfc(last)),
            })
        }).collect::<Vec<_>>(),
        "nda_acceptances": state.db.nda_acceptances(&e.id).await?.iter().map(|n| {
            let who = auditors.iter().find(|a| a.user_id == n.user_id).map_or(n.user_id.as_str(), |a| a.email.as_str());
            json!({"by": who, "nda_version": n.nda_version, "nda_sha256": n.nda_sha256, "at": rfc(n.accepted_at), "client": n.client})
        }).collect::<Vec<_>>(),
        "entries": log.len(),
    }))
}

/// Zips `files` byte-deterministically (see the module docs).
pub fn zip_files(files: &Files) -> Result<Vec<u8>, AppError> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in files {
        w.start_file(path.as_str(), options).map_err(log_internal)?;
        w.write_all(bytes).map_err(log_internal)?;
    }
    Ok(w.finish().map_err(log_internal)?.into_inner())
}

/// A built sign-off pack.
#[derive(Debug, Clone)]
pub struct Built {
    /// The zip.
    pub zip: Vec<u8>,
    /// Its SHA-256.
    pub sha256: String,
}

/// Builds the sign-off pack of the engagement `p` may see, records its digest
/// (an answer must name a pack that was built) and, for an auditor, the download.
pub async fn build(state: &AppState, p: &Principal, engagement_id: &str) -> Result<Built, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, engagement_id).await?;
    let built = build_for(state, &e).await?;
    state
        .db
        .record_signoff(&SignoffRow {
            engagement_id: e.id.clone(),
            sha256: built.sha256.clone(),
            size_bytes: i64::try_from(built.zip.len()).unwrap_or(i64::MAX),
            as_of: e.updated_at,
            built_by: p.email.clone(),
            built_at: state.now_ms(),
        })
        .await?;
    if let Some(v) = p.viewer() {
        record(state, v, Access::Download, "signoff.zip", &built.zip).await?;
    }
    Ok(built)
}

/// Builds engagement `e`'s sign-off pack as of now (nothing is recorded).
pub async fn build_for(state: &AppState, e: &EngagementRow) -> Result<Built, AppError> {
    let today = Day::containing(state.now_ms());
    let (mut files, compliance) = contents(state, e, today).await?;
    files.extend(compliance.sealed(state, e, today).await?);
    let signer = state
        .receipt_keys
        .signer(&state.db, state.now_ms(), state.new_id(crate::domain::ids::ReceiptKeyId::from_parts))
        .await?;
    let about = BTreeMap::from([
        ("engagement".to_owned(), e.id.clone()),
        ("name".to_owned(), e.name.clone()),
        ("as_of".to_owned(), rfc(e.updated_at)),
        ("evaluated_on".to_owned(), today.to_string()),
    ]);
    manifest::seal(&mut files, "", KIND, about, &signer, PAYLOAD_TYPE);
    let zip = zip_files(&files)?;
    Ok(Built { sha256: hex::encode(Sha256::digest(&zip)), zip })
}

/// A sign-off pack that checked out offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Its manifest.
    pub manifest: manifest::Manifest,
    /// The key that signed it.
    pub keyid: String,
    /// The key that signed its compliance pack.
    pub compliance_keyid: String,
}

/// Checks a `signoff.zip` offline against the published keys: the zip is read
/// strictly, the pack's signature and every file, then the compliance pack's
/// signature and files. The error names the first bad file.
pub fn verify(zip: &[u8], keys: &[(Option<String>, String)]) -> Result<Verified, manifest::Problem> {
    let files = crate::ssr::evidence::packs::read_zip(zip)
        .map_err(|e| manifest::Problem { file: "signoff.zip".into(), why: format!("not a readable pack: {e}") })?;
    let outer = manifest::check(&files, "", keys, PAYLOAD_TYPE)?;
    if outer.manifest.kind != KIND {
        return Err(manifest::Problem {
            file: manifest::MANIFEST.into(),
            why: format!("not a sign-off pack ({})", outer.manifest.kind),
        });
    }
    let inner = manifest::check(&files, compliance::DIR, keys, compliance::PAYLOAD_TYPE)?;
    Ok(Verified { manifest: outer.manifest, keyid: outer.keyid, compliance_keyid: inner.keyid })
}

/// The auditor's answer to a sign-off pack they reviewed, named by its
/// digest: accepted (with a statement; the engagement is then accepted) or
/// rejected (with the reason). Stored, audited, and listed in the next pack.
pub async fn answer(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    pack_sha256: &str,
    decision: AcceptanceDecision,
    statement: &str,
    client: &str,
) -> Result<AcceptanceRow, AppError> {
    let e = lookup::for_fieldwork(state, p, engagement_id).await?;
    let field = match decision {
        AcceptanceDecision::Accepted => "Statement",
        AcceptanceDecision::Rejected => "Reason",
    };
    let statement = super::text_field(field, statement, MAX_TEXT_CHARS, true)?;
    let sha = pack_sha256.trim().trim_start_matches("sha256:").to_ascii_lowercase();
    let mut tx = state.db.transaction().await?;
    if !tx.signoff_exists(&e.id, &sha).await? {
        return Err(AppError::new(
            ErrorCode::NotFound,
            "No sign-off pack with this SHA-256 was built for this engagement: download the pack and answer the one you reviewed.",
        ));
    }
    let row = AcceptanceRow {
        id: state.new_id(AcceptanceId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        pack_sha256: sha,
        decision,
        statement,
        user_id: p.user_id.clone(),
        email: p.email.clone(),
        at: state.now_ms(),
        client: client.to_owned(),
    };
    tx.insert_acceptance(&row).await?;
    if decision == AcceptanceDecision::Accepted {
        super::engagements::mark_accepted(&mut tx, state, &e).await?;
    } else {
        lookup::touch(&mut tx, state, &e.id).await?;
    }
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.signoff.answered",
        &format!("{} pack_sha256={} statement={}", row.decision, row.pack_sha256, row.statement),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
