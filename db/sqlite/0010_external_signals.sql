-- External signals raised against a rollout (issue 16): "P0 opened", "PII risk" from an incident tool or a person,
-- through POST /api/rollouts/{id}/signals. Kept as sent; the plan's signals: section says which hold or roll back.
-- raised_at_ms is the rollout's clock (faster than the wall clock in the demo); received_at_ms the wall clock.
CREATE TABLE external_signals (
    id              INTEGER PRIMARY KEY,
    rollout_id      INTEGER NOT NULL REFERENCES rollouts (id),
    kind            TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    url             TEXT    NULL,
    raised_by       TEXT    NOT NULL,
    raised_at_ms    INTEGER NOT NULL,
    received_at_ms  INTEGER NOT NULL,
    dedup_key       TEXT    NULL
);
CREATE INDEX ix_external_signals_rollout ON external_signals (rollout_id, raised_at_ms);
-- An incident tool retries a webhook: the same incident key is stored once per rollout.
CREATE UNIQUE INDEX ux_external_signals_dedup ON external_signals (rollout_id, dedup_key) WHERE dedup_key IS NOT NULL;
