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
    total_cents BIGINT NOT NULL,
    body        TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    UNIQUE (org_id, period)
);

-- Deferred: the issuer stamps the events first, then stores the invoice built from them.
ALTER TABLE usage_events ADD COLUMN invoice_id TEXT REFERENCES invoices(id) DEFERRABLE INITIALLY DEFERRED;
-- Ledgered events not yet on an issued invoice: the current months, and the rare late ones.
CREATE INDEX usage_events_uninvoiced ON usage_events(org_id, ts) WHERE invoice_id IS NULL AND ledgered_at IS NOT NULL;

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END $$;
CREATE TRIGGER invoices_never_change BEFORE UPDATE OR DELETE ON invoices
FOR EACH ROW EXECUTE FUNCTION refuse_change('issued invoices never change');
CREATE TRIGGER usage_events_stay_invoiced BEFORE UPDATE OF invoice_id ON usage_events
FOR EACH ROW WHEN (OLD.invoice_id IS NOT NULL) EXECUTE FUNCTION refuse_change('an invoiced event stays on its invoice');
