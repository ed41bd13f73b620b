-- Every call to the Attestation API that passed authentication, verified or not.
-- Keep in step with postgres/0002_verifications.sql.
CREATE TABLE verifications (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs(id),
    api_key_id     TEXT NOT NULL REFERENCES api_keys(id),
    kind           TEXT NOT NULL,
    subject_sha256 TEXT,
    outcome        TEXT NOT NULL CHECK (outcome IN ('verified', 'rejected', 'invalid_request')),
    reason         TEXT,
    signer         TEXT,
    latency_us     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX verifications_org_time ON verifications(org_id, created_at);
