//! The work of an engagement: evidence requests and samples, findings,
//! comment threads, decisions (new versions, never edits), the risk register,
//! manual checklist items, and the sign-off packs built and the answers given
//! to them.

use super::{Db, StoreResult, Tx};
use crate::domain::audit_kit::{
    AcceptanceDecision, DecisionKind, FindingKind, FindingStatus, Level, RequestStatus, Severity,
};

/// An evidence request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRow {
    /// `req_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// `REQ-001`, per engagement.
    #[sqlx(rename = "ref")]
    pub reference: String,
    /// What is asked for.
    pub title: String,
    /// More about it.
    pub detail: String,
    /// Who answers it (operator side).
    pub owner: Option<String>,
    /// Outstanding, in review, accepted, changes requested.
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    /// The date the supplied evidence is about (`YYYY-MM-DD`), separate from its upload date.
    pub evidence_date: Option<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When (ms).
    pub raised_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

/// A sample drawn from a population (a fixed snapshot).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SampleRow {
    /// `smp_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// The evidence request it supports.
    pub request_id: Option<String>,
    /// `packs`, `verifications`, `policy_bundles`, `audit_log`.
    pub population: String,
    /// How many items the population held.
    pub population_size: i64,
    /// The seed the draw used (hex), so it can be re-performed.
    pub seed: String,
    /// JSON array of the drawn items as they were when drawn.
    pub items: String,
    /// Who drew it.
    pub drawn_by: String,
    /// When (ms).
    pub drawn_at: i64,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FindingRow {
    /// `fnd_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// `FND-001`, per engagement.
    #[sqlx(rename = "ref")]
    pub reference: String,
    /// Short title.
    pub title: String,
    /// The condition found.
    pub detail: String,
    /// Observation, minor or major nonconformity.
    #[sqlx(try_from = "String")]
    pub kind: FindingKind,
    /// Low, medium, high.
    #[sqlx(try_from = "String")]
    pub severity: Severity,
    /// Why it happened.
    pub root_cause: Option<String>,
    /// What will fix it.
    pub corrective_action: Option<String>,
    /// Who remediates it.
    pub owner: Option<String>,
    /// Remediation due (`YYYY-MM-DD`).
    pub due_date: Option<String>,
    /// Open, remediating, closed, accepted risk.
    #[sqlx(try_from = "String")]
    pub status: FindingStatus,
    /// How the fix was shown to work (required to close).
    pub effectiveness: Option<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When (ms).
    pub raised_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Closed or risk accepted (ms).
    pub closed_at: Option<i64>,
}

/// A comment in a finding's or request's thread.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    /// `cmt_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// The finding's or request's id.
    pub subject: String,
    /// Who wrote it (e-mail).
    pub author: String,
    /// Their role then.
    pub author_role: String,
    /// The text.
    pub body: String,
    /// When (ms).
    pub at: i64,
}

/// One version of a decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRow {
    /// `dec_…` id (of this version).
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// `DEC-001`, the same for every version.
    #[sqlx(rename = "ref")]
    pub reference: String,
    /// 1, 2, …
    pub version: i64,
    /// General, scope delta, risk acceptance.
    #[sqlx(try_from = "String")]
    pub kind: DecisionKind,
    /// What was decided.
    pub title: String,
    /// Why.
    pub rationale: String,
    /// Who owns it.
    pub owner: String,
    /// When it was decided (`YYYY-MM-DD`).
    pub decided_on: String,
    /// The finding it is about.
    pub finding_id: Option<String>,
    /// The scope version it allowed (scope deltas).
    pub scope_version: Option<i64>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (ms).
    pub recorded_at: i64,
}

/// A risk in the register.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RiskRow {
    /// `risk_…` id.
    pub id: String,
    /// `RISK-001`.
    #[sqlx(rename = "ref")]
    pub reference: String,
    /// The risk.
    pub title: String,
    /// Likelihood.
    #[sqlx(try_from = "String")]
    pub likelihood: Level,
    /// Impact.
    #[sqlx(try_from = "String")]
    pub impact: Level,
    /// How it is mitigated.
    pub mitigation: String,
    /// Who owns it.
    pub owner: String,
    /// Next review (`YYYY-MM-DD`), when set.
    pub review_date: Option<String>,
    /// Who changed it last.
    pub updated_by: String,
    /// When (ms).
    pub updated_at: i64,
}

/// A manual checklist item.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChecklistItemRow {
    /// `chk_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// The item.
    pub title: String,
    /// Its evidence document.
    pub document_id: Option<String>,
    /// Who added it.
    pub added_by: String,
    /// When (ms).
    pub added_at: i64,
    /// Who ticked it.
    pub ticked_by: Option<String>,
    /// When (ms).
    pub ticked_at: Option<i64>,
}

/// A sign-off pack that was built.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignoffRow {
    /// The engagement.
    pub engagement_id: String,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Its size.
    pub size_bytes: i64,
    /// The engagement state it shows (ms: the engagement's last change).
    pub as_of: i64,
    /// Who built it first.
    pub built_by: String,
    /// When (ms).
    pub built_at: i64,
}

/// An auditor's answer to a sign-off pack.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AcceptanceRow {
    /// `acpt_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// The pack answered (SHA-256 of its zip).
    pub pack_sha256: String,
    /// Accepted or rejected.
    #[sqlx(try_from = "String")]
    pub decision: AcceptanceDecision,
    /// The statement (acceptance) or reason (rejection).
    pub statement: String,
    /// The auditor.
    pub user_id: String,
    /// Their e-mail.
    pub email: String,
    /// When (ms).
    pub at: i64,
    /// From which client address.
    pub client: String,
}

const REQUEST_COLUMNS: &str =
    "id, engagement_id, ref, title, detail, owner, status, evidence_date, raised_by, raised_at, updated_at";
const SAMPLE_COLUMNS: &str =
    "id, engagement_id, request_id, population, population_size, seed, items, drawn_by, drawn_at";
const FINDING_COLUMNS: &str = "id, engagement_id, ref, title, detail, kind, severity, root_cause, corrective_action, \
     owner, due_date, status, effectiveness, raised_by, raised_at, updated_at, closed_at";
const COMMENT_COLUMNS: &str = "id, engagement_id, subject, author, author_role, body, at";
const DECISION_COLUMNS: &str = "id, engagement_id, ref, version, kind, title, rationale, owner, decided_on, finding_id, \
     scope_version, recorded_by, recorded_at";
const RISK_COLUMNS: &str = "id, ref, title, likelihood, impact, mitigation, owner, review_date, updated_by, updated_at";
const ITEM_COLUMNS: &str = "id, engagement_id, title, document_id, added_by, added_at, ticked_by, ticked_at";
const SIGNOFF_COLUMNS: &str = "engagement_id, sha256, size_bytes, as_of, built_by, built_at";
const ACCEPTANCE_COLUMNS: &str = "id, engagement_id, pack_sha256, decision, statement, user_id, email, at, client";

/// `SELECT {columns} FROM {table} WHERE engagement_id = $1 ORDER BY {order}`, for any row type.
async fn of_engagement<T>(db: &Db, columns: &str, table: &str, order: &str, engagement_id: &str) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    Ok(sqlx::query_as(&format!("SELECT {columns} FROM {table} WHERE engagement_id = $1 ORDER BY {order}"))
        .bind(engagement_id)
        .fetch_all(db.pool())
        .await?)
}

impl Db {
    /// An engagement's evidence requests, by reference.
    pub async fn audit_requests(&self, engagement_id: &str) -> StoreResult<Vec<RequestRow>> {
        of_engagement(self, REQUEST_COLUMNS, "audit_requests", "raised_at, id", engagement_id).await
    }

    /// An engagement's samples, oldest first.
    pub async fn audit_samples(&self, engagement_id: &str) -> StoreResult<Vec<SampleRow>> {
        of_engagement(self, SAMPLE_COLUMNS, "audit_samples", "drawn_at, id", engagement_id).await
    }

    /// An engagement's findings, by reference.
    pub async fn audit_findings(&self, engagement_id: &str) -> StoreResult<Vec<FindingRow>> {
        of_engagement(self, FINDING_COLUMNS, "audit_findings", "raised_at, id", engagement_id).await
    }

    /// Every outstanding finding with a due date, of every engagement (for overdue alerts).
    pub async fn outstanding_findings(&self) -> StoreResult<Vec<FindingRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FINDING_COLUMNS} FROM audit_findings WHERE status IN ('open', 'remediating') ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Every comment of an engagement, oldest first.
    pub async fn audit_comments(&self, engagement_id: &str) -> StoreResult<Vec<CommentRow>> {
        of_engagement(self, COMMENT_COLUMNS, "audit_comments", "at, id", engagement_id).await
    }

    /// Every version of every decision of an engagement, by reference then version.
    pub async fn audit_decisions(&self, engagement_id: &str) -> StoreResult<Vec<DecisionRow>> {
        of_engagement(self, DECISION_COLUMNS, "audit_decisions", "ref, version", engagement_id).await
    }

    /// The risk register, by reference.
    pub async fn audit_risks(&self) -> StoreResult<Vec<RiskRow>> {
        Ok(sqlx::query_as(&format!("SELECT {RISK_COLUMNS} FROM audit_risks ORDER BY ref"))
            .fetch_all(self.pool())
            .await?)
    }

    /// The risks an engagement links, by reference.
    pub async fn engagement_risks(&self, engagement_id: &str) -> StoreResult<Vec<RiskRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {} FROM audit_risks r JOIN audit_engagement_risks l ON l.risk_id = r.id \
             WHERE l.engagement_id = $1 ORDER BY r.ref",
            RISK_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// An engagement's manual checklist items, oldest first.
    pub async fn checklist_items(&self, engagement_id: &str) -> StoreResult<Vec<ChecklistItemRow>> {
        of_engagement(self, ITEM_COLUMNS, "audit_checklist_items", "added_at, id", engagement_id).await
    }

    /// The sign-off packs built for an engagement, newest first.
    pub async fn signoffs(&self, engagement_id: &str) -> StoreResult<Vec<SignoffRow>> {
        of_engagement(self, SIGNOFF_COLUMNS, "audit_signoffs", "built_at DESC, sha256", engagement_id).await
    }

    /// The answers given to an engagement's sign-off packs, oldest first.
    pub async fn acceptances(&self, engagement_id: &str) -> StoreResult<Vec<AcceptanceRow>> {
        of_engagement(self, ACCEPTANCE_COLUMNS, "audit_acceptances", "at, id", engagement_id).await
    }

    /// Records a built sign-off pack (once per digest).
    pub async fn record_signoff(&self, s: &SignoffRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_signoffs ({SIGNOFF_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (engagement_id, sha256) DO NOTHING"
        ))
        .bind(&s.engagement_id)
        .bind(&s.sha256)
        .bind(s.size_bytes)
        .bind(s.as_of)
        .bind(&s.built_by)
        .bind(s.built_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

impl Tx<'_> {
    /// How many rows `table` holds for an engagement (the next reference is one more).
    pub async fn count_of_engagement(&mut self, table: AuditTable, engagement_id: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {} WHERE engagement_id = $1", table.name()))
            .bind(engagement_id)
            .fetch_one(self.conn())
            .await?)
    }

    /// Stores an evidence request.
    pub async fn insert_request(&mut self, r: &RequestRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&r.id)
        .bind(&r.engagement_id)
        .bind(&r.reference)
        .bind(&r.title)
        .bind(&r.detail)
        .bind(&r.owner)
        .bind(r.status.as_str())
        .bind(&r.evidence_date)
        .bind(&r.raised_by)
        .bind(r.raised_at)
        .bind(r.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// `SELECT {columns} FROM {table} WHERE engagement_id = $1 AND {field} = $2`, inside this unit of work.
    async fn one_of_engagement<T>(
        &mut self,
        (columns, table): (&str, &str),
        engagement_id: &str,
        field: &str,
        value: &str,
    ) -> StoreResult<Option<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        Ok(sqlx::query_as(&format!("SELECT {columns} FROM {table} WHERE engagement_id = $1 AND {field} = $2"))
            .bind(engagement_id)
            .bind(value.trim())
            .fetch_optional(self.conn())
            .await?)
    }

    /// One request of an engagement, read inside this unit of work.
    pub async fn request(&mut self, engagement_id: &str, id: &str) -> StoreResult<Option<RequestRow>> {
        self.one_of_engagement((REQUEST_COLUMNS, "audit_requests"), engagement_id, "id", id).await
    }

    /// Changes a request's status, owner and evidence date.
    pub async fn update_request(&mut self, r: &RequestRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE audit_requests SET status = $1, owner = $2, evidence_date = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(r.status.as_str())
        .bind(&r.owner)
        .bind(&r.evidence_date)
        .bind(r.updated_at)
        .bind(&r.id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a sample.
    pub async fn insert_sample(&mut self, s: &SampleRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_samples ({SAMPLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&s.id)
        .bind(&s.engagement_id)
        .bind(&s.request_id)
        .bind(&s.population)
        .bind(s.population_size)
        .bind(&s.seed)
        .bind(&s.items)
        .bind(&s.drawn_by)
        .bind(s.drawn_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a finding.
    pub async fn insert_finding(&mut self, f: &FindingRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_findings ({FINDING_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ))
        .bind(&f.id)
        .bind(&f.engagement_id)
        .bind(&f.reference)
        .bind(&f.title)
        .bind(&f.detail)
        .bind(f.kind.as_str())
        .bind(f.severity.as_str())
        .bind(&f.root_cause)
        .bind(&f.corrective_action)
        .bind(&f.owner)
        .bind(&f.due_date)
        .bind(f.status.as_str())
        .bind(&f.effectiveness)
        .bind(&f.raised_by)
        .bind(f.raised_at)
        .bind(f.updated_at)
        .bind(f.closed_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// One finding of an engagement, read inside this unit of work.
    pub async fn finding(&mut self, engagement_id: &str, id: &str) -> StoreResult<Option<FindingRow>> {
        self.one_of_engagement((FINDING_COLUMNS, "audit_findings"), engagement_id, "id", id).await
    }

    /// One finding of an engagement by its reference (`FND-001`), read inside this unit of work.
    pub async fn finding_by_ref(&mut self, engagement_id: &str, reference: &str) -> StoreResult<Option<FindingRow>> {
        self.one_of_engagement((FINDING_COLUMNS, "audit_findings"), engagement_id, "ref", reference).await
    }

    /// Saves a finding's remediation fields and status.
    pub async fn update_finding(&mut self, f: &FindingRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE audit_findings SET root_cause = $1, corrective_action = $2, owner = $3, due_date = $4, \
                status = $5, effectiveness = $6, updated_at = $7, closed_at = $8 WHERE id = $9",
        )
        .bind(&f.root_cause)
        .bind(&f.corrective_action)
        .bind(&f.owner)
        .bind(&f.due_date)
        .bind(f.status.as_str())
        .bind(&f.effectiveness)
        .bind(f.updated_at)
        .bind(f.closed_at)
        .bind(&f.id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a comment.
    pub async fn insert_comment(&mut self, c: &CommentRow) -> StoreResult<()> {
        sqlx::query(&format!("INSERT INTO audit_comments ({COMMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(&c.id)
            .bind(&c.engagement_id)
            .bind(&c.subject)
            .bind(&c.author)
            .bind(&c.author_role)
            .bind(&c.body)
            .bind(c.at)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The newest version of a decision, read inside this unit of work.
    pub async fn latest_decision(&mut self, engagement_id: &str, reference: &str) -> StoreResult<Option<DecisionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} FROM audit_decisions WHERE engagement_id = $1 AND ref = $2 \
             ORDER BY version DESC LIMIT 1"
        ))
        .bind(engagement_id)
        .bind(reference)
        .fetch_optional(self.conn())
        .await?)
    }

    /// How many decisions (not versions) an engagement has.
    pub async fn decision_count(&mut self, engagement_id: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(DISTINCT ref) FROM audit_decisions WHERE engagement_id = $1")
            .bind(engagement_id)
            .fetch_one(self.conn())
            .await?)
    }

    /// Stores a decision version (never an update: a conflict when the version exists).
    pub async fn insert_decision(&mut self, d: &DecisionRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_decisions ({DECISION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&d.id)
        .bind(&d.engagement_id)
        .bind(&d.reference)
        .bind(d.version)
        .bind(d.kind.as_str())
        .bind(&d.title)
        .bind(&d.rationale)
        .bind(&d.owner)
        .bind(&d.decided_on)
        .bind(&d.finding_id)
        .bind(d.scope_version)
        .bind(&d.recorded_by)
        .bind(d.recorded_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Saves a risk's assessment.
    pub async fn update_risk(&mut self, r: &RiskRow) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE audit_risks SET likelihood = $1, impact = $2, mitigation = $3, owner = $4, review_date = $5, \
                updated_by = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(r.likelihood.as_str())
        .bind(r.impact.as_str())
        .bind(&r.mitigation)
        .bind(&r.owner)
        .bind(&r.review_date)
        .bind(&r.updated_by)
        .bind(r.updated_at)
        .bind(&r.id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Links a risk to an engagement (idempotent).
    pub async fn link_risk(&mut self, engagement_id: &str, risk_id: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_engagement_risks (engagement_id, risk_id) VALUES ($1, $2) \
             ON CONFLICT (engagement_id, risk_id) DO NOTHING",
        )
        .bind(engagement_id)
        .bind(risk_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a manual checklist item.
    pub async fn insert_checklist_item(&mut self, i: &ChecklistItemRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_checklist_items ({ITEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&i.id)
        .bind(&i.engagement_id)
        .bind(&i.title)
        .bind(&i.document_id)
        .bind(&i.added_by)
        .bind(i.added_at)
        .bind(&i.ticked_by)
        .bind(i.ticked_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Ticks (or unticks, with `None`) a manual item; true when the item exists.
    pub async fn tick_checklist_item(
        &mut self,
        engagement_id: &str,
        id: &str,
        ticked: Option<(&str, i64)>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE audit_checklist_items SET ticked_by = $1, ticked_at = $2 WHERE engagement_id = $3 AND id = $4",
        )
        .bind(ticked.map(|t| t.0))
        .bind(ticked.map(|t| t.1))
        .bind(engagement_id)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether a sign-off pack with this digest was built for the engagement.
    pub async fn signoff_exists(&mut self, engagement_id: &str, sha256: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_signoffs WHERE engagement_id = $1 AND sha256 = $2")
            .bind(engagement_id)
            .bind(sha256)
            .fetch_one(self.conn())
            .await?;
        Ok(n > 0)
    }

    /// Stores an answer to a sign-off pack.
    pub async fn insert_acceptance(&mut self, a: &AcceptanceRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_acceptances ({ACCEPTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&a.id)
        .bind(&a.engagement_id)
        .bind(&a.pack_sha256)
        .bind(a.decision.as_str())
        .bind(&a.statement)
        .bind(&a.user_id)
        .bind(&a.email)
        .bind(a.at)
        .bind(&a.client)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// Tables whose rows are numbered per engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditTable {
    /// Evidence requests (`REQ-…`).
    Requests,
    /// Findings (`FND-…`).
    Findings,
}

impl AuditTable {
    fn name(self) -> &'static str {
        match self {
            Self::Requests => "audit_requests",
            Self::Findings => "audit_findings",
        }
    }
}
