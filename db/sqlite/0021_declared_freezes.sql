-- Freezes declared by a person (issue 17), beside the two ShipRoom derives from rollouts: kind 'declared', no rollout,
-- a fixed end, and lifted early by a person with a reason (who, when, why are kept on the row; the audit log has both
-- events too). SQLite cannot drop NOT NULL in place: the table is rebuilt, its rows and ids kept. UNIQUE (rollout_id,
-- kind) still holds one lock and one change freeze per rollout; NULLs are distinct, so declared freezes may be many.
CREATE TABLE freezes_declared (
    id             INTEGER PRIMARY KEY,
    rollout_id     INTEGER NULL REFERENCES rollouts (id),
    kind           TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    starts_at_ms   INTEGER NOT NULL,
    ends_at_ms     INTEGER NULL,
    lifted_by      TEXT    NULL,
    lifted_at_ms   INTEGER NULL,
    lift_reason    TEXT    NULL,
    UNIQUE (rollout_id, kind),
    CHECK ((kind = 'declared') = (rollout_id IS NULL)),
    CHECK (kind <> 'declared' OR ends_at_ms IS NOT NULL)
);
INSERT INTO freezes_declared (id, rollout_id, kind, owner, reason, starts_at_ms, ends_at_ms)
    SELECT id, rollout_id, kind, owner, reason, starts_at_ms, ends_at_ms FROM freezes;
DROP TABLE freezes;
ALTER TABLE freezes_declared RENAME TO freezes;
CREATE INDEX freezes_open ON freezes (ends_at_ms);
