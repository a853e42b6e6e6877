-- #ship-room posts are an outbox: one row per event and channel (the unique key stops a second post), sent in the
-- background with retries; next_attempt_at_ms says when the next try is due.
ALTER TABLE notifications ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN next_attempt_at_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at_ms);
CREATE INDEX ix_notifications_rollout ON notifications (rollout_id, id);

-- Release engineering's wording for each post kind; a kind without a row uses the built-in default.
CREATE TABLE notification_templates (
    kind            TEXT    PRIMARY KEY,
    template        TEXT    NOT NULL,
    updated_by      TEXT    NOT NULL,
    updated_at_ms   INTEGER NOT NULL
);

CREATE INDEX ix_gate_results_key ON gate_results (rollout_id, phase_index, gate_key, id);
CREATE INDEX ix_trigger_results_key ON trigger_results (rollout_id, phase_index, trigger_key, id);
