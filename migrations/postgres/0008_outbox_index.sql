-- One partial index over events not yet ledgered is enough: the worker's claim
-- reads usage_events_pending too (it holds only unledgered events, which the
-- worker keeps few). One index fewer to maintain on every insert and posting.
DROP INDEX usage_events_outbox;
