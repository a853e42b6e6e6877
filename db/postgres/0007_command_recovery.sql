-- Commands that survive a crash: an execution still Pending after a restart is retried or resolved by whichever
-- instance claims it first (recovery_at_ms), and the deploy system can report when traffic is restored
-- (completed_at_ms, from POST /api/rollouts/{id}/executions/{decision}).
ALTER TABLE decisions ADD COLUMN recovery_at_ms BIGINT;
ALTER TABLE decisions ADD COLUMN completed_at_ms BIGINT;
CREATE INDEX ix_decisions_pending ON decisions (requested_at_ms) WHERE outcome = 'Pending';

-- Polls left Running by an instance that stopped are closed as abandoned; this keeps finding them cheap.
CREATE INDEX ix_poll_runs_running ON poll_runs (started_at_ms) WHERE status = 'Running';
