-- Samples keyed by time before metric (issue 21). A poll writes one minute of every series of a rollout; keyed metric
-- first, that minute's rows fell on a leaf page per series (about 137 pages for the shipped plans, each written whole to
-- the WAL and checkpointed back), and reading a window in time order went through the time index and back to the table
-- for every row. Keyed time first, a minute is a few adjacent pages and a window is one range of the table; the time
-- index is the key's prefix now, so it goes. The rows are carried over as they are.
CREATE TABLE metric_samples_by_time (
    rollout_id      INTEGER NOT NULL REFERENCES rollouts (id),
    metric_key      TEXT    NOT NULL,
    cohort          TEXT    NOT NULL,
    journey         TEXT    NOT NULL DEFAULT '',
    sample_time_ms  INTEGER NOT NULL,
    value           REAL    NULL,
    PRIMARY KEY (rollout_id, sample_time_ms, metric_key, cohort, journey)
) WITHOUT ROWID;
INSERT INTO metric_samples_by_time (rollout_id, metric_key, cohort, journey, sample_time_ms, value)
    SELECT rollout_id, metric_key, cohort, journey, sample_time_ms, value FROM metric_samples
    ORDER BY rollout_id, sample_time_ms, metric_key, cohort, journey;
DROP TABLE metric_samples;
ALTER TABLE metric_samples_by_time RENAME TO metric_samples;
