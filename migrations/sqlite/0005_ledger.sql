-- The billing ledger: usage_events is the outbox; a worker moves each event
-- into per-tenant, per-month totals exactly once (marking it in the same
-- transaction), retrying with backoff; events that keep failing are parked in
-- dead_letters for finance to see and replay.

ALTER TABLE usage_events ADD COLUMN ledgered_at INTEGER;
ALTER TABLE usage_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
-- Partial indexes hold only events not yet ledgered, so the worker's claim and
-- "units on their way" stay cheap however many events are already ledgered.
CREATE INDEX usage_events_outbox ON usage_events(next_attempt_at) WHERE ledgered_at IS NULL;
CREATE INDEX usage_events_pending ON usage_events(org_id, event, ts) WHERE ledgered_at IS NULL;

CREATE TABLE ledger_totals (
    org_id     TEXT NOT NULL REFERENCES orgs(id),
    period     TEXT NOT NULL,
    event      TEXT NOT NULL,
    units      INTEGER NOT NULL,
    events     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, period, event)
);

CREATE TABLE dead_letters (
    event_id    TEXT PRIMARY KEY REFERENCES usage_events(id),
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    reason      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    replayed_at INTEGER
);
