-- A poll's samples no longer check their rollout row one by one (issue 21). The foreign key fired a check per row
-- (a SELECT of the rollout FOR KEY SHARE: 278,372 of them in one quick bench run) and doubled the cost of inserting
-- an hour of back-fill (411,000 rows on the development VM: 3.1-3.3 s with it, 1.5-1.6 s without), time the
-- rollback given during those back-fills waited for a core. Rollouts are never deleted, and the write itself reads
-- the rollout's row before it inserts (SampleRepository: a sample of a rollout that does not exist is refused with
-- its id). SQLite keeps its foreign key: there the check is an index lookup in the same process. Dropping the key
-- locks both tables for a moment: behind a poll's write still open on another instance (a rolling upgrade) it waits
-- for that write, at most about its 2 s turn, and commands on rollouts wait with it.
ALTER TABLE metric_samples DROP CONSTRAINT metric_samples_rollout_id_fkey;
