-- Entitlements bound to verified evidence: the last decision per tenant, so a
-- change (paid features switched off or back on) is noticed once and audited.
CREATE TABLE org_entitlements (
    org_id      TEXT PRIMARY KEY REFERENCES orgs(id),
    effective   TEXT NOT NULL,
    reason      TEXT,
    evidence_id TEXT,
    updated_at  INTEGER NOT NULL
);
