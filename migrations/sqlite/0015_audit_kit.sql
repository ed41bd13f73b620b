-- The external audit dry-run kit. Keep in step with postgres's 0015_audit_kit.sql.
--
-- An engagement is one audit of the owner's evidence (the operator's, or a
-- tenant's own when the tenant invites an auditor). Its scope is versioned:
-- every change is a new row with its digest; after fieldwork starts a change
-- names the scope-delta decision that allowed it. Auditors are invited to one
-- engagement, accept its NDA (click-wrap, per NDA version) and see only what
-- it scopes; each of their views and downloads is in the access log.
-- Decisions are never edited: a change is a new version of the same ref.

CREATE TABLE audit_engagements (
    id              TEXT PRIMARY KEY,
    owner_org_id    TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    firm            TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    access_ends_at  INTEGER NOT NULL,
    state           TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    accepted_at     INTEGER,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE audit_scope_versions (
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    version       INTEGER NOT NULL,
    document      TEXT NOT NULL,
    tenants       TEXT NOT NULL,
    repos         TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    decision_id   TEXT,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, version)
);

CREATE TABLE audit_nda_versions (
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, version)
);

CREATE TABLE audit_nda_acceptances (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    nda_version   INTEGER NOT NULL,
    nda_sha256    TEXT NOT NULL,
    accepted_at   INTEGER NOT NULL,
    client        TEXT NOT NULL,
    UNIQUE (engagement_id, user_id, nda_version)
);

-- An auditor account belongs to exactly one engagement.
CREATE TABLE audit_auditors (
    user_id       TEXT PRIMARY KEY REFERENCES users(id),
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    invited_by    TEXT NOT NULL,
    joined_at     INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoked_by    TEXT
);
CREATE INDEX audit_auditors_engagement ON audit_auditors(engagement_id);

CREATE TABLE audit_invitations (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    revoked_at    INTEGER
);

CREATE TABLE audit_access_log (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    user_id       TEXT NOT NULL,
    email         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    object        TEXT NOT NULL,
    sha256        TEXT NOT NULL
);
CREATE INDEX audit_access_log_engagement ON audit_access_log(engagement_id, at);

CREATE TABLE audit_requests (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    ref           TEXT NOT NULL,
    title         TEXT NOT NULL,
    detail        TEXT NOT NULL,
    owner         TEXT,
    status        TEXT NOT NULL,
    evidence_date TEXT,
    raised_by     TEXT NOT NULL,
    raised_at     INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (engagement_id, ref)
);

-- A sample is a snapshot: the items drawn, with the fields that identify them, fixed when drawn.
CREATE TABLE audit_samples (
    id              TEXT PRIMARY KEY,
    engagement_id   TEXT NOT NULL REFERENCES audit_engagements(id),
    request_id      TEXT REFERENCES audit_requests(id),
    population      TEXT NOT NULL,
    population_size INTEGER NOT NULL,
    seed            TEXT NOT NULL,
    items           TEXT NOT NULL,
    drawn_by        TEXT NOT NULL,
    drawn_at        INTEGER NOT NULL
);

CREATE TABLE audit_findings (
    id                TEXT PRIMARY KEY,
    engagement_id     TEXT NOT NULL REFERENCES audit_engagements(id),
    ref               TEXT NOT NULL,
    title             TEXT NOT NULL,
    detail            TEXT NOT NULL,
    kind              TEXT NOT NULL,
    severity          TEXT NOT NULL,
    root_cause        TEXT,
    corrective_action TEXT,
    owner             TEXT,
    due_date          TEXT,
    status            TEXT NOT NULL,
    effectiveness     TEXT,
    raised_by         TEXT NOT NULL,
    raised_at         INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    closed_at         INTEGER,
    UNIQUE (engagement_id, ref)
);

-- Threads on findings and evidence requests (subject: the finding's or request's id).
CREATE TABLE audit_comments (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    subject       TEXT NOT NULL,
    author        TEXT NOT NULL,
    author_role   TEXT NOT NULL,
    body          TEXT NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX audit_comments_subject ON audit_comments(subject, at);

CREATE TABLE audit_decisions (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    ref           TEXT NOT NULL,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    rationale     TEXT NOT NULL,
    owner         TEXT NOT NULL,
    decided_on    TEXT NOT NULL,
    finding_id    TEXT REFERENCES audit_findings(id),
    scope_version INTEGER,
    recorded_by   TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL,
    UNIQUE (engagement_id, ref, version)
);

-- The risk register. Starting rows: the sprint plan's section 7.
CREATE TABLE audit_risks (
    id          TEXT PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    likelihood  TEXT NOT NULL,
    impact      TEXT NOT NULL,
    mitigation  TEXT NOT NULL,
    owner       TEXT NOT NULL,
    review_date TEXT,
    updated_by  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO audit_risks (id, ref, title, likelihood, impact, mitigation, owner, review_date, updated_by, updated_at) VALUES
    ('risk_01', 'RISK-001', 'Billing event loss', 'med', 'med', 'Durable queue + retries + DLQ; reconciliation job', 'Finance', NULL, 'sprint plan', 0),
    ('risk_02', 'RISK-002', 'Onboarding wizard complexity', 'med', 'med', 'Keep MVP steps; add telemetry & docs', 'Product', NULL, 'sprint plan', 0),
    ('risk_03', 'RISK-003', 'Repos with custom policies', 'low', 'med', 'Escape hatches; per-repo signer override', 'Security', NULL, 'sprint plan', 0),
    ('risk_04', 'RISK-004', 'Auditor expectations drift', 'low', 'med', 'Lock scope; capture deltas as Decisions', 'Governance', NULL, 'sprint plan', 0);

CREATE TABLE audit_engagement_risks (
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    risk_id       TEXT NOT NULL REFERENCES audit_risks(id),
    PRIMARY KEY (engagement_id, risk_id)
);

-- Documents: the library (DPA, DPIA, … of an organisation; engagement_id NULL)
-- and evidence attached to one engagement (answering a request or a checklist item).
CREATE TABLE audit_documents (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs(id),
    engagement_id TEXT REFERENCES audit_engagements(id),
    subject       TEXT,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    version       TEXT NOT NULL,
    owner         TEXT NOT NULL,
    review_date   TEXT,
    evidence_date TEXT,
    filename      TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    body          BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX audit_documents_org ON audit_documents(org_id, kind);

CREATE TABLE audit_checklist_items (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    title         TEXT NOT NULL,
    document_id   TEXT REFERENCES audit_documents(id),
    added_by      TEXT NOT NULL,
    added_at      INTEGER NOT NULL,
    ticked_by     TEXT,
    ticked_at     INTEGER
);

-- Third-party attestations the operator uploads, verified by the engine when uploaded.
CREATE TABLE vendor_attestations (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs(id),
    vendor         TEXT NOT NULL,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    subject_sha256 TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    public_key     TEXT,
    identity       TEXT,
    issuer         TEXT,
    status         TEXT NOT NULL,
    reason         TEXT,
    detail         TEXT,
    signer         TEXT,
    checks         TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    INTEGER NOT NULL
);

-- Recovery targets (one row); restore drills are drill_reports of kind 'restore'.
CREATE TABLE dr_targets (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    rpo_minutes INTEGER NOT NULL,
    rto_minutes INTEGER NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      INTEGER NOT NULL
);

-- Every sign-off pack built (its digest), so an acceptance names a pack that existed.
CREATE TABLE audit_signoffs (
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    sha256        TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    as_of         INTEGER NOT NULL,
    built_by      TEXT NOT NULL,
    built_at      INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, sha256)
);

CREATE TABLE audit_acceptances (
    id            TEXT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES audit_engagements(id),
    pack_sha256   TEXT NOT NULL,
    decision      TEXT NOT NULL,
    statement     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    email         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    client        TEXT NOT NULL
);

-- Time-to-pack: when the release was created (the forge's release, else the
-- pack manifest's `created`) and how long until its pack verified here.
ALTER TABLE packs ADD COLUMN release_created_at INTEGER;
ALTER TABLE packs ADD COLUMN time_to_pack_ms INTEGER;
