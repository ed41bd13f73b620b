-- Signed-policy adoption over time: the server's upkeep records it every hour,
-- and the dashboards draw it. Only measured moments are stored; nothing is backfilled.
CREATE TABLE adoption_history (
    at      BIGINT PRIMARY KEY,
    adopted BIGINT NOT NULL,
    active  BIGINT NOT NULL
);
