-- Alerts are acknowledged by a person: who took it on, and when. An
-- acknowledged alert stays open until its condition is gone.
ALTER TABLE alerts ADD COLUMN acked_by TEXT;
ALTER TABLE alerts ADD COLUMN acked_at BIGINT;
-- The usage-anomaly rule counts each tenant's events by time every minute.
CREATE INDEX usage_events_ts ON usage_events(ts);
