-- Plan at event time: each usage event carries the plan its tenant was on when it
-- was recorded, and the ledger keeps totals per plan, so a plan change mid-month
-- bills each event at its own plan's price. Events and totals recorded before
-- this take the tenant's plan now (the best that is known of them).

ALTER TABLE usage_events ADD COLUMN plan TEXT;
UPDATE usage_events SET plan = COALESCE((SELECT plan FROM orgs WHERE orgs.id = usage_events.org_id), 'starter');

CREATE TABLE ledger_totals_by_plan (
    org_id     TEXT NOT NULL REFERENCES orgs(id),
    period     TEXT NOT NULL,
    event      TEXT NOT NULL,
    plan       TEXT NOT NULL,
    units      INTEGER NOT NULL,
    events     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, period, event, plan)
);
INSERT INTO ledger_totals_by_plan (org_id, period, event, plan, units, events, updated_at)
SELECT org_id, period, event, COALESCE((SELECT plan FROM orgs WHERE orgs.id = ledger_totals.org_id), 'starter'),
       units, events, updated_at
FROM ledger_totals;
DROP TABLE ledger_totals;
ALTER TABLE ledger_totals_by_plan RENAME TO ledger_totals;
