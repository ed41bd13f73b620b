-- The login throttle's token buckets, shared by every server process on the database, so
-- password guessing spread over several processes is counted once.
CREATE TABLE throttle_buckets (
    key          TEXT PRIMARY KEY,
    milli_tokens INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL
);
CREATE INDEX throttle_buckets_at ON throttle_buckets(at_ms);
