-- Freezes declared by a person (issue 17), beside the two ShipRoom derives from rollouts: kind 'declared', no rollout,
-- a fixed end, and lifted early by a person with a reason (who, when, why are kept on the row; the audit log has both
-- events too). UNIQUE (rollout_id, kind) still holds one lock and one change freeze per rollout; NULLs are distinct,
-- so declared freezes may be many.
ALTER TABLE freezes ALTER COLUMN rollout_id DROP NOT NULL;
ALTER TABLE freezes ADD COLUMN lifted_by TEXT NULL;
ALTER TABLE freezes ADD COLUMN lifted_at_ms BIGINT NULL;
ALTER TABLE freezes ADD COLUMN lift_reason TEXT NULL;
ALTER TABLE freezes ADD CONSTRAINT freezes_declared_has_no_rollout CHECK ((kind = 'declared') = (rollout_id IS NULL));
ALTER TABLE freezes ADD CONSTRAINT freezes_declared_has_an_end CHECK (kind <> 'declared' OR ends_at_ms IS NOT NULL);
