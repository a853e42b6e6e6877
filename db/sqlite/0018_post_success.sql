-- Post-success, carried out (issue 17). After the plan's stable time at 100% (the rollout completes), each action the
-- plan's postSuccess block names is sent to the deploy executor once per rollout and action, whatever the instance
-- (the unique key is the outbox key), and its outcome kept: sending, acknowledged, failed or recorded (no executor).
CREATE TABLE post_success_actions (
    id               INTEGER PRIMARY KEY,
    rollout_id       INTEGER NOT NULL REFERENCES rollouts (id),
    action           TEXT    NOT NULL,
    outcome          TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 1,
    claimed_at_ms    INTEGER NOT NULL,
    done_at_ms       INTEGER NULL,
    UNIQUE (rollout_id, action)
);
-- The win note is a draft of the same kind as the postmortem (drafted by ShipRoom, edited and published by people):
-- postmortems gain a kind, and one draft per rollout and kind. SQLite cannot change a UNIQUE constraint in place.
CREATE TABLE postmortems_by_kind (
    id               INTEGER PRIMARY KEY,
    rollout_id       INTEGER NOT NULL REFERENCES rollouts (id),
    kind             TEXT    NOT NULL DEFAULT 'postmortem',
    cause            TEXT    NOT NULL,
    markdown         TEXT    NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    due_at_ms        INTEGER NOT NULL,
    updated_by       TEXT    NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    published_by     TEXT    NULL,
    published_at_ms  INTEGER NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (rollout_id, kind)
);
INSERT INTO postmortems_by_kind (id, rollout_id, kind, cause, markdown, created_at_ms, due_at_ms, updated_by, updated_at_ms, published_by, published_at_ms, version)
    SELECT id, rollout_id, 'postmortem', cause, markdown, created_at_ms, due_at_ms, updated_by, updated_at_ms, published_by, published_at_ms, version FROM postmortems;
DROP TABLE postmortems;
ALTER TABLE postmortems_by_kind RENAME TO postmortems;
