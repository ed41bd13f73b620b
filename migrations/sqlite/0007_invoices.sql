-- Issued invoices. A month's invoice stays a draft (computed on demand) until
-- the month has ended and the grace window has passed; then it is issued: the
-- events it bills are stamped with its id and the document is stored. Issued
-- invoices never change (the triggers refuse it); events ledgered later for an
-- issued month become adjustment lines on the next invoice.
CREATE TABLE invoices (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    period      TEXT NOT NULL,
    plan        TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    body        TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,
    UNIQUE (org_id, period)
);

-- Deferred: the issuer stamps the events first, then stores the invoice built from them.
ALTER TABLE usage_events ADD COLUMN invoice_id TEXT REFERENCES invoices(id) DEFERRABLE INITIALLY DEFERRED;
-- Ledgered events not yet on an issued invoice: the current months, and the rare late ones.
CREATE INDEX usage_events_uninvoiced ON usage_events(org_id, ts) WHERE invoice_id IS NULL AND ledgered_at IS NOT NULL;

CREATE TRIGGER invoices_never_change BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'issued invoices never change'); END;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'issued invoices never change'); END;
CREATE TRIGGER usage_events_stay_invoiced BEFORE UPDATE OF invoice_id ON usage_events WHEN OLD.invoice_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an invoiced event stays on its invoice'); END;
