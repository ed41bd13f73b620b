-- Reconciliation without reading a month's events. When the ledger posts an
-- attestation.verify event it also counts it as evidenced if its verified
-- call (same tenant, same month) exists; the month's counts then prove that
-- every event has its call and every call its event, and the per-event
-- anti-joins only run to name the ids when they do not.
ALTER TABLE ledger_totals ADD COLUMN evidenced BIGINT NOT NULL DEFAULT 0;
UPDATE ledger_totals SET evidenced = (
    SELECT COUNT(*) FROM usage_events e
    JOIN verifications v ON v.id = e.receipt_id AND v.org_id = e.org_id AND v.outcome = 'verified'
    WHERE e.org_id = ledger_totals.org_id AND e.event = ledger_totals.event
      AND COALESCE(e.plan, 'starter') = ledger_totals.plan AND e.ledgered_at IS NOT NULL
      AND to_char(to_timestamp(e.ts / 1000) AT TIME ZONE 'UTC', 'YYYY-MM') = ledger_totals.period
      AND to_char(to_timestamp(v.created_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM') = ledger_totals.period)
WHERE event = 'attestation.verify';

-- The month's counts read these indexes alone (index-only scans): the outcome
-- of each call, the units of each event.
DROP INDEX verifications_org_time;
CREATE INDEX verifications_org_time ON verifications(org_id, created_at, outcome);
DROP INDEX usage_events_org_event_ts;
CREATE INDEX usage_events_org_event_ts ON usage_events(org_id, event, ts, units);
