-- Foundation: organisations, users, sessions, API keys, audit log, SLA metrics.
-- Times are Unix milliseconds (BIGINT). Keep in step with sqlite/0001_foundation.sql.
CREATE TABLE orgs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('operator', 'tenant')),
    name         TEXT NOT NULL,
    slug         TEXT NOT NULL UNIQUE,
    plan         TEXT CHECK (plan IN ('starter', 'pro', 'enterprise')),
    created_at   BIGINT NOT NULL,
    suspended_at BIGINT
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    disabled_at   BIGINT
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs(id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_org ON api_keys(org_id);

CREATE TABLE audit_log (
    seq       BIGSERIAL PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    org_id    TEXT,
    target    TEXT,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE,
    hash      TEXT NOT NULL UNIQUE
);

CREATE TABLE api_latency (
    bucket_start BIGINT NOT NULL,
    bucket_index BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (bucket_start, bucket_index)
);

CREATE TABLE heartbeats (
    bucket_start BIGINT PRIMARY KEY,
    last_beat_at BIGINT NOT NULL
);
