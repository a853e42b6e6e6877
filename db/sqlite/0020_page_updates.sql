-- What the paging tool says happened to a ShipRoom page (issue 17): PagerDuty V3 webhook events (acknowledged,
-- resolved, escalated …) on the incidents ShipRoom's pages opened, matched by the page's dedup key
-- (shiproom-{rollout}-{cause}). The event id is unique: a redelivered webhook is stored once, on any instance.
CREATE TABLE page_updates (
    id              INTEGER PRIMARY KEY,
    rollout_id      INTEGER NOT NULL REFERENCES rollouts (id),
    dedup_key       TEXT    NOT NULL,
    cause           TEXT    NOT NULL,
    event_id        TEXT    NOT NULL UNIQUE,
    event_type      TEXT    NOT NULL,
    agent           TEXT    NULL,
    incident_url    TEXT    NULL,
    occurred_at_ms  INTEGER NOT NULL,
    received_at_ms  INTEGER NOT NULL
);
CREATE INDEX ix_page_updates_rollout ON page_updates (rollout_id, occurred_at_ms);
