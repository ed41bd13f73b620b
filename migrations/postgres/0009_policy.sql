-- Signed policy bundles rolled out to every active repository.
-- The operator organisation's signing keys (signing_keys with the operator's
-- org_id) are the policy-signing keys.

CREATE TABLE repos (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs(id),
    name             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    -- NULL: active when it had activity in the last active_days; 1 / 0: set by hand.
    active_override  BIGINT,
    UNIQUE (org_id, name)
);

CREATE TABLE policy_bundles (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    repo_id     TEXT NOT NULL REFERENCES repos(id),
    version     BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    detail      TEXT,
    signer      TEXT,
    files       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX policy_bundles_repo ON policy_bundles(repo_id, created_at);
-- One verified bundle per repository and version.
CREATE UNIQUE INDEX policy_bundles_verified ON policy_bundles(repo_id, version) WHERE status = 'verified';

-- The org-wide rollout: the current policy version, how far behind a repo may be,
-- what "active" means, and who may sign keyless.
CREATE TABLE policy_rollout (
    id               BIGINT PRIMARY KEY CHECK (id = 1),
    current_version  BIGINT NOT NULL,
    allowed_lag      BIGINT NOT NULL,
    active_days      BIGINT NOT NULL,
    keyless_identity TEXT,
    keyless_issuer   TEXT,
    updated_by       TEXT,
    updated_at       BIGINT NOT NULL
);
INSERT INTO policy_rollout (id, current_version, allowed_lag, active_days, updated_at) VALUES (1, 1, 0, 30, 0);
