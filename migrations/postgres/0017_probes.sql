-- Probes of the portal from outside the serving process (`trust-portal probe`):
-- each checks /readyz (and, with an API key, a synthetic verify) and records
-- whether the portal was up. The availability SLO and uptime count these.

CREATE TABLE probes (
    id         TEXT PRIMARY KEY,
    -- The base URL probed.
    target     TEXT NOT NULL,
    at         BIGINT NOT NULL,
    -- 1: every check passed; 0: the portal was down or failed a check.
    up         BIGINT NOT NULL,
    latency_ms BIGINT NOT NULL,
    -- What failed, when something did.
    detail     TEXT
);
CREATE INDEX probes_at ON probes(at);
