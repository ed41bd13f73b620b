-- Metering: idempotent Attestation API calls and versioned prices.

-- A client's Idempotency-Key and the answer it got; a retry with the same key
-- and body gets that answer again. Written in the same transaction as the call.
CREATE TABLE idempotency_keys (
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    idem_key        TEXT NOT NULL,
    request_sha256  TEXT NOT NULL,
    verification_id TEXT NOT NULL,
    status          BIGINT NOT NULL,
    response        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    PRIMARY KEY (org_id, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);

-- Each usage event names the idempotency key of the call behind it, and one
-- receipt justifies at most one event.
ALTER TABLE usage_events ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX usage_events_receipt ON usage_events(receipt_id);
CREATE INDEX usage_events_org_event_ts ON usage_events(org_id, event, ts);

-- Unit prices per plan and event, in micro-dollars, versioned by the time they
-- take effect. An invoice uses the newest version in effect at its period's start.
CREATE TABLE prices (
    id                TEXT PRIMARY KEY,
    plan              TEXT NOT NULL CHECK (plan IN ('starter', 'pro', 'enterprise')),
    event             TEXT NOT NULL CHECK (event IN ('attestation.verify', 'portal.download')),
    unit_price_micros BIGINT NOT NULL CHECK (unit_price_micros >= 0),
    effective_from    BIGINT NOT NULL,
    created_by        TEXT,
    created_at        BIGINT NOT NULL,
    UNIQUE (plan, event, effective_from)
);
INSERT INTO prices (id, plan, event, unit_price_micros, effective_from, created_by, created_at) VALUES
    ('price_starter_verify_v1', 'starter', 'attestation.verify', 10000, 0, NULL, 0),
    ('price_pro_verify_v1', 'pro', 'attestation.verify', 5000, 0, NULL, 0),
    ('price_enterprise_verify_v1', 'enterprise', 'attestation.verify', 2500, 0, NULL, 0),
    ('price_starter_download_v1', 'starter', 'portal.download', 0, 0, NULL, 0),
    ('price_pro_download_v1', 'pro', 'portal.download', 0, 0, NULL, 0),
    ('price_enterprise_download_v1', 'enterprise', 'portal.download', 0, 0, NULL, 0);
