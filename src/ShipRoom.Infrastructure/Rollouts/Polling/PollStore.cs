using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>
/// What a poll reads and writes: the rollouts to poll, the claim on a range (one instance polls it), the samples, and
/// the poll run's outcome. A run an instance left Running when it stopped is closed as abandoned, not shown as running.
/// </summary>
public sealed class PollStore(IRolloutRepository rollouts, IPollRunRepository pollRuns, ISampleRepository samples, IDbConnectionFactory connections, Telemetry.RolloutMetrics metrics, TimeProvider time)
{
    /// <summary>A poll still Running after this was cut off (the process stopped or was killed mid-poll).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    private DateTimeOffset _lastRepair = DateTimeOffset.MinValue;

    public StorageProvider Provider => connections.Provider;

    public Task<IReadOnlyList<RolloutRecord>> ListLiveAsync(CancellationToken cancellationToken) => rollouts.ListLiveAsync(cancellationToken);

    public Task<RolloutRecord?> GetAsync(long rolloutId, CancellationToken cancellationToken) => rollouts.GetAsync(rolloutId, cancellationToken);

    /// <summary>A poll's judgement and snapshot give way to the commands being carried out through this, as its writes do.</summary>
    public WriteTurns.BackgroundTurn CommandsFirst() => connections.Writes.BackgroundWork();

    public Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(long rolloutId, CancellationToken cancellationToken) => rollouts.ListPhasesAsync(rolloutId, cancellationToken);

    /// <summary>Claims [from, to) for this instance; null when another instance claimed it first.</summary>
    public async Task<long?> ClaimAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        try
        {
            // Nobody waits for a poll's writes: they go after any command being carried out (WriteTurns).
            using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
            return await pollRuns.StartAsync(rolloutId, time.GetUtcNow(), from, to, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return null;
        }
    }

    /// <summary>Stores what was read and closes the run; the next poll starts where this one stopped unless every read failed.</summary>
    public async Task<int> RecordAsync(long runId, RolloutRecord rollout, MetricReadResult read, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Takes its own turns; the mark moves with the samples (what a kept sample window relies on) unless every read failed.
        var written = await samples.StorePollAsync(rollout.Id, read.Samples, read.AllFailed ? null : to, cancellationToken);
        using (await connections.Writes.BackgroundAsync(cancellationToken))
        {
            await pollRuns.FinishAsync(runId, time.GetUtcNow(), read.Status, written, read.Problems.Count == 0 ? null : string.Join('\n', read.Problems.Take(50)), cancellationToken);
        }

        metrics.Polls.Add(1, new KeyValuePair<string, object?>("outcome", read.Status.ToString()));
        StorageTally.Current?.MarkRecorded();
        metrics.SamplesStored.Add(written);
        return written;
    }

    /// <summary>A whole poll, from the read to the snapshot published (judging and acting included), for <c>shiproom_poll_duration_seconds</c>.</summary>
    public void RecordDuration(TimeSpan took) => metrics.PollDuration.Record(took.TotalSeconds);

    /// <summary>What a poll cost in storage (from its claim to its snapshot), for the bench's storage row.</summary>
    public void RecordStorage(StorageTally tally)
    {
        metrics.PollStatements.Add(tally.Statements, new KeyValuePair<string, object?>("kind", "other"));
        metrics.PollStatements.Add(tally.SampleWrites, new KeyValuePair<string, object?>("kind", "sample_write"));
        metrics.PollConnections.Add(tally.ConnectionsOpened);
    }

    /// <summary>Closes runs left Running by an instance that stopped mid-poll; at most once a minute.</summary>
    public async Task<int> CloseAbandonedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastRepair < TimeSpan.FromMinutes(1))
        {
            return 0;
        }

        _lastRepair = now;
        return await pollRuns.CloseAbandonedAsync(now - AbandonedAfter, now, cancellationToken);
    }
}
