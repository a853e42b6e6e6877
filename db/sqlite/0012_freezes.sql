-- Freezes and locks (issue 17): the infra lock a live canary holds and the change freeze after a rollout completes at
-- 100%. One of each kind per rollout (instances racing to record it insert once); ends_at_ms is NULL while a lock
-- lasts until the rollout completes or rolls back.
CREATE TABLE freezes (
    id             INTEGER PRIMARY KEY,
    rollout_id     INTEGER NOT NULL REFERENCES rollouts (id),
    kind           TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    starts_at_ms   INTEGER NOT NULL,
    ends_at_ms     INTEGER NULL,
    UNIQUE (rollout_id, kind)
);
CREATE INDEX freezes_open ON freezes (ends_at_ms);
