-- Alerts: raised when something needs attention (an active repository without a
-- current signed policy bundle), cleared by the portal itself when it is fixed.
-- Each opening and clearing is delivered to the operator webhook, if configured.
CREATE TABLE alerts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    org_id         TEXT REFERENCES orgs(id),
    subject        TEXT NOT NULL,
    message        TEXT NOT NULL,
    opened_at      BIGINT NOT NULL,
    cleared_at     BIGINT,
    delivered      TEXT,
    delivery_error TEXT
);
-- At most one open alert per kind and subject.
CREATE UNIQUE INDEX alerts_open ON alerts(kind, subject) WHERE cleared_at IS NULL;
CREATE INDEX alerts_recent ON alerts(opened_at);
