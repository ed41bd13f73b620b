-- Self-serve onboarding: invitations, one resumable session per invitation,
-- its telemetry, published policy versions partners pick from, and tenant
-- webhook endpoints with their delivery queue.

-- The organisation's policy versions as published by security: the signed
-- bundle partners pick in onboarding (and may download), re-verified on pick.
CREATE TABLE policy_releases (
    version      INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL,
    bundle       BLOB NOT NULL,
    signature    TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at INTEGER NOT NULL
);

-- An invitation link: only the SHA-256 of its token is stored.
CREATE TABLE invitations (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Set when its onboarding completed: the link cannot be followed again.
    used_at    INTEGER,
    -- The invitee asked for a new link (expired or used), with a note.
    renewal_requested_at INTEGER,
    renewal_note         TEXT
);

-- One onboarding session per invitation, driven by the browser and the CLI.
CREATE TABLE onboarding_sessions (
    id                TEXT PRIMARY KEY,
    invitation_id     TEXT NOT NULL UNIQUE REFERENCES invitations(id),
    current_step      INTEGER NOT NULL,
    completed_through INTEGER NOT NULL,
    org_id            TEXT REFERENCES orgs(id),
    -- JSON of what was entered and found (never secrets).
    data              TEXT NOT NULL,
    -- JSON of the last failed check: step, reason, message, fix.
    last_failure      TEXT,
    started_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    completed_at      INTEGER,
    abandoned_at      INTEGER
);
CREATE INDEX onboarding_sessions_open ON onboarding_sessions(updated_at) WHERE completed_at IS NULL;

-- Funnel telemetry: every view, completion, failure, step back, abandonment and resumption.
CREATE TABLE onboarding_events (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES onboarding_sessions(id),
    step       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    reason     TEXT,
    via        TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX onboarding_events_session ON onboarding_events(session_id, at);

-- A tenant's webhook endpoint (one per tenant). The secret signs deliveries,
-- so it is kept; while rotating, the previous one signs too until previous_until.
CREATE TABLE webhook_endpoints (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL UNIQUE REFERENCES orgs(id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    previous_secret TEXT,
    previous_until  INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Deliveries: id is the webhook-id, the same on every attempt and replay.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    -- pending, delivered, dead (after the last attempt), test (one attempt, no retries)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_org ON webhook_deliveries(org_id, created_at);
