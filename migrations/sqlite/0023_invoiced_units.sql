-- What each issued invoice bills, per usage month, event type and plan: one row
-- per line's source instead of a stamp on every event, so issuing a month
-- costs the tenant's ledger rows, not its events. Units still to be invoiced
-- are the ledger's total minus these rows; the ledger only grows, so a unit
-- is billed once. Rows never change.
CREATE TABLE invoiced_units (
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    org_id     TEXT NOT NULL REFERENCES orgs(id),
    period     TEXT NOT NULL,
    event      TEXT NOT NULL,
    plan       TEXT NOT NULL,
    units      INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, period, event, plan)
);
CREATE INDEX invoiced_units_by_month ON invoiced_units(org_id, period, event, plan);

-- Invoices issued before this table billed the events stamped with their id.
INSERT INTO invoiced_units (invoice_id, org_id, period, event, plan, units)
SELECT invoice_id, org_id, strftime('%Y-%m', ts / 1000, 'unixepoch'), event, COALESCE(plan, 'starter'), SUM(units)
FROM usage_events WHERE invoice_id IS NOT NULL
GROUP BY invoice_id, org_id, strftime('%Y-%m', ts / 1000, 'unixepoch'), event, COALESCE(plan, 'starter');

CREATE TRIGGER invoiced_units_never_change BEFORE UPDATE ON invoiced_units
BEGIN SELECT RAISE(ABORT, 'invoiced units never change'); END;
CREATE TRIGGER invoiced_units_never_deleted BEFORE DELETE ON invoiced_units
BEGIN SELECT RAISE(ABORT, 'invoiced units never change'); END;

-- usage_events.invoice_id is no longer written (old stamps stay, guarded by
-- usage_events_stay_invoiced); its partial index only cost every insert.
DROP INDEX usage_events_uninvoiced;
