-- Who may sign policy bundles besides the org policy keys (the operator's
-- signing keys): the org workflow's keyless identities (several at once during
-- a rotation; removed ones are kept as history), and per-repository overrides
-- (one more signer for one repository, with a reason and an expiry).

CREATE TABLE policy_keyless_signers (
    id           TEXT PRIMARY KEY,
    identity     TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    -- 'public-good' or the name of a stored trusted root.
    trusted_root TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     INTEGER NOT NULL,
    removed_by   TEXT,
    removed_at   INTEGER
);
CREATE UNIQUE INDEX policy_keyless_signers_live ON policy_keyless_signers(identity, issuer, trusted_root)
    WHERE removed_at IS NULL;

-- The one keyless identity the rollout held becomes the first org workflow identity.
INSERT INTO policy_keyless_signers (id, identity, issuer, trusted_root, added_by, added_at)
SELECT 'pks_00000000000000000000000000', keyless_identity, keyless_issuer, 'public-good',
       COALESCE(updated_by, 'migration'), updated_at
FROM policy_rollout WHERE keyless_identity IS NOT NULL AND keyless_issuer IS NOT NULL;
ALTER TABLE policy_rollout DROP COLUMN keyless_identity;
ALTER TABLE policy_rollout DROP COLUMN keyless_issuer;
-- 1: only bundles signed by the org workflow count towards adoption.
ALTER TABLE policy_rollout ADD COLUMN require_org_workflow INTEGER NOT NULL DEFAULT 0;

CREATE TABLE policy_signer_overrides (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs(id),
    repo_id        TEXT NOT NULL REFERENCES repos(id),
    -- 'key' (public_key_pem, key_id) or 'keyless' (identity, issuer, trusted_root).
    kind           TEXT NOT NULL CHECK (kind IN ('key', 'keyless')),
    public_key_pem TEXT,
    key_id         TEXT,
    identity       TEXT,
    issuer         TEXT,
    trusted_root   TEXT,
    reason         TEXT NOT NULL,
    expires_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    revoked_by     TEXT,
    revoked_at     INTEGER
);
CREATE INDEX policy_signer_overrides_repo ON policy_signer_overrides(repo_id, expires_at);

-- How each bundle was signed: 'org_key', 'org_workflow' or 'override' (and which one).
ALTER TABLE policy_bundles ADD COLUMN signer_kind TEXT;
ALTER TABLE policy_bundles ADD COLUMN override_id TEXT;
UPDATE policy_bundles SET signer_kind = CASE WHEN signer LIKE 'keyless %' THEN 'org_workflow' ELSE 'org_key' END
WHERE status = 'verified';
