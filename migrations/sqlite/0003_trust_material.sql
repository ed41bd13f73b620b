-- Receipts, trust material as data, and evidence packs.
-- Keep in step with postgres/0003_trust_material.sql.

-- The portal's own receipt-signing keys (Ed25519). Only the newest unretired
-- key signs; retired keys stay published so old receipts keep verifying.
-- The private key is PKCS#8 (base64): protect the database like the key.
CREATE TABLE receipt_keys (
    id              TEXT PRIMARY KEY,
    public_key_pem  TEXT NOT NULL,
    private_pkcs8   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    retired_at      INTEGER
);

-- One signed receipt per successful verification (same id).
CREATE TABLE receipts (
    id              TEXT PRIMARY KEY REFERENCES verifications(id),
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    key_id          TEXT NOT NULL REFERENCES receipt_keys(id),
    subject_sha256  TEXT NOT NULL,
    envelope        TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX receipts_org_time ON receipts(org_id, created_at);

-- Trusted roots added by admins (the public-good root ships with the binary).
CREATE TABLE trusted_roots (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    root_json       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

-- A tenant's public keys that sign its artifacts, with validity windows.
CREATE TABLE signing_keys (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    public_key_pem  TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    not_before      INTEGER NOT NULL,
    not_after       INTEGER,
    revoked_at      INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX signing_keys_key_id ON signing_keys(org_id, key_id);

-- A tenant's named verification policies (identity, issuer, root, statement rules).
CREATE TABLE verify_policies (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    identity        TEXT,
    issuer          TEXT,
    trusted_root    TEXT,
    predicate_type  TEXT,
    builder_id      TEXT,
    source_repo     TEXT,
    source_ref      TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

-- Evidence packs: one per tenant, repository and release tag.
CREATE TABLE packs (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    repo            TEXT NOT NULL,
    tag             TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    zip             BLOB NOT NULL,
    manifest        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('verified', 'failed')),
    reason          TEXT,
    report          TEXT NOT NULL,
    signer_key_id   TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (org_id, repo, tag)
);

-- Metered usage: one row per billable event (the metering issue builds the
-- ledger on top). A successful verification's event is written in the same
-- transaction as the verification and its receipt.
CREATE TABLE usage_events (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    event           TEXT NOT NULL CHECK (event IN ('attestation.verify', 'portal.download')),
    units           INTEGER NOT NULL CHECK (units >= 0),
    ts              INTEGER NOT NULL,
    receipt_id      TEXT REFERENCES receipts(id),
    subject         TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX usage_events_org_ts ON usage_events(org_id, ts);
