-- Two instances must never poll the same range of one rollout twice: the first insert claims it.
CREATE UNIQUE INDEX ux_poll_runs_range ON poll_runs (rollout_id, range_from_ms, range_to_ms);
