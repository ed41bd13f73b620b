-- Drill reports (the policy-key rotation drill): each step and the audit log excerpt, as JSON.
CREATE TABLE drill_reports (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    passed     BIGINT NOT NULL,
    body       TEXT NOT NULL
);
