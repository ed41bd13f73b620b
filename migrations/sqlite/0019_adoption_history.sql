-- Signed-policy adoption over time: the server's upkeep records it every hour,
-- and the dashboards draw it. Only measured moments are stored; nothing is backfilled.
CREATE TABLE adoption_history (
    at      INTEGER PRIMARY KEY,
    adopted INTEGER NOT NULL,
    active  INTEGER NOT NULL
);
