-- Jobs that must run once per period across every server process (the hourly upkeep, the
-- minute's alert syncs): a process runs one only while it holds its lease.
CREATE TABLE job_leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    until_ms INTEGER NOT NULL
);
