-- Samples keyed by time before metric (issue 21), as on SQLite: a poll's minute of every series lands on adjacent
-- pages of the key's index instead of one leaf page per series, and a window in time order is one range of it. The
-- time index is the key's prefix now, so it goes.
ALTER TABLE metric_samples DROP CONSTRAINT metric_samples_pkey;
ALTER TABLE metric_samples ADD CONSTRAINT metric_samples_pkey PRIMARY KEY (rollout_id, sample_time_ms, metric_key, cohort, journey);
DROP INDEX ix_metric_samples_time;
