-- The postmortem draft a rollback or a failed gate calls for (issue 17): one per rollout, written by ShipRoom from
-- the rollout's own record, edited by the IC and PMs, due 24 h after it was drafted until it is published.
CREATE TABLE postmortems (
    id               INTEGER PRIMARY KEY,
    rollout_id       INTEGER NOT NULL UNIQUE REFERENCES rollouts (id),
    cause            TEXT    NOT NULL,
    markdown         TEXT    NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    due_at_ms        INTEGER NOT NULL,
    updated_by       TEXT    NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    published_by     TEXT    NULL,
    published_at_ms  INTEGER NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
