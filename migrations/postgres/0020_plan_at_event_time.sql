-- Plan at event time: each usage event carries the plan its tenant was on when it
-- was recorded, and the ledger keeps totals per plan, so a plan change mid-month
-- bills each event at its own plan's price. Events and totals recorded before
-- this take the tenant's plan now (the best that is known of them).

ALTER TABLE usage_events ADD COLUMN plan TEXT;
UPDATE usage_events SET plan = COALESCE((SELECT plan FROM orgs WHERE orgs.id = usage_events.org_id), 'starter');

ALTER TABLE ledger_totals ADD COLUMN plan TEXT;
UPDATE ledger_totals SET plan = COALESCE((SELECT plan FROM orgs WHERE orgs.id = ledger_totals.org_id), 'starter');
ALTER TABLE ledger_totals ALTER COLUMN plan SET NOT NULL;
ALTER TABLE ledger_totals DROP CONSTRAINT ledger_totals_pkey;
ALTER TABLE ledger_totals ADD PRIMARY KEY (org_id, period, event, plan);
