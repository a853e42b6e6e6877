using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Polling;

public enum PollOutcomeKind
{
    Polled,
    NothingNew,
    NotLive,
    NotFound,
    AlreadyClaimed,
}

public sealed record PollOutcome(PollOutcomeKind Kind, int Samples, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<string> Problems, RolloutSnapshot? Snapshot);

/// <summary>
/// Polls rollouts: reads every metric of a plan from where the last poll stopped up to now (so downtime is back-filled,
/// not skipped), stores the samples, judges the rollout once, and lets <see cref="AutomaticActions"/> act and publish.
/// Due rollouts are polled side by side (a bounded number at a time, fewer of them back-fills), each within a deadline;
/// on SQLite they are judged one at a time (<see cref="JudgesOneAtATime"/>).
/// </summary>
public sealed class RolloutPoller(
    PollStore store,
    MetricReader reader,
    RolloutAssessor assessor,
    AutomaticActions actions,
    PlanCache plans,
    PollScheduleOptions options,
    TimeProvider time,
    ILogger<RolloutPoller> logger)
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastAttempt = new();
    private readonly ConcurrentDictionary<long, Task<PollOutcome>> _inFlight = new();

    private readonly JudgingTurns _judging = new(store.Provider == StorageProvider.Sqlite);
    private readonly BackfillLane _backfills = new(Math.Clamp(options.ParallelBackfills, 1, options.ParallelPolls));

    /// <summary>Whether rollouts are judged one at a time here (SQLite) or side by side (PostgreSQL).</summary>
    public bool JudgesOneAtATime => _judging.OneAtATime;

    /// <summary>The most judgements (and the acting and publishing after them) this instance has run at the same moment.</summary>
    public int MostJudgingAtOnce => _judging.MostAtOnce;

    /// <summary>The most back-fills this instance has polled at the same moment.</summary>
    public int MostBackfillingAtOnce => _backfills.MostAtOnce;

    /// <summary>
    /// Polls every live rollout whose poll is due, a few at a time, and fewer back-fills at a time
    /// (<see cref="BackfillLane"/>); returns how many were polled.
    /// </summary>
    public async Task<int> PollDueAsync(CancellationToken cancellationToken)
    {
        await store.CloseAbandonedAsync(cancellationToken);
        // Steady polls first: a tick that meets many back-fills (rollouts just created, or the end of a downtime) starts
        // every steady poll before its back-fills queue for their lane.
        var due = (await store.ListLiveAsync(cancellationToken))
            .Where(r => RolloutStateMachine.IsLive(r.Status) && IsDue(r))
            .Select(r => (Rollout: r, Backfill: IsBackfill(r)))
            .OrderBy(d => d.Backfill)
            .ToList();
        var polled = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.ParallelPolls, CancellationToken = cancellationToken }, async (item, token) =>
        {
            try
            {
                using var lane = item.Backfill ? await _backfills.EnterAsync(token) : null;
                var outcome = await PollAsync(item.Rollout.Id, token);
                if (outcome.Kind == PollOutcomeKind.Polled)
                {
                    Interlocked.Increment(ref polled);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One rollout's failure must not stop the others from being watched.
                logger.LogError(exception, "Polling rollout {RolloutId} failed", item.Rollout.Id);
            }
        });
        return polled;
    }

    /// <summary>
    /// Whether its next poll is a back-fill: its first (from an hour before it started), or one after a downtime, reading
    /// more than two of its intervals and more than <see cref="BackfillAbove"/>. A poll a tick late, or one of a rollout
    /// on a fast demo clock, reads a few minutes: a steady poll's work, not a back-fill's.
    /// </summary>
    public bool IsBackfill(RolloutRecord rollout)
    {
        if (rollout.LastPolledTo is not { } polledTo)
        {
            return true;
        }

        var interval = plans.Get(rollout).PollEvery ?? options.DefaultPollInterval;
        var unread = RolloutClock.Now(rollout, time.GetUtcNow()) - polledTo;
        return unread > 2 * interval && unread > BackfillAbove;
    }

    /// <summary>Rollout time a poll reads beyond which it is a back-fill (besides two of its intervals).</summary>
    public static readonly TimeSpan BackfillAbove = TimeSpan.FromMinutes(30);

    public bool IsDue(RolloutRecord rollout)
    {
        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        if (_lastAttempt.TryGetValue(rollout.Id, out var attempted) && wallNow - attempted < TimeSpan.FromTicks(Math.Min(RetryAfterFailure.Ticks, options.WallInterval(rollout, plan).Ticks)))
        {
            return false;
        }

        var interval = plan.PollEvery ?? options.DefaultPollInterval;
        var polledTo = rollout.LastPolledTo ?? DateTimeOffset.MinValue;
        return RolloutClock.Now(rollout, wallNow) - polledTo >= interval;
    }

    /// <summary>How long one poll may take, wall clock: half its interval, within the configured bounds.</summary>
    public TimeSpan DeadlineFor(RolloutRecord rollout, RolloutPlan plan) =>
        TimeSpan.FromTicks(Math.Clamp(options.WallInterval(rollout, plan).Ticks / 2, options.MinPollDeadline.Ticks, options.MaxPollDeadline.Ticks));

    public async Task<PollOutcome> PollAsync(long rolloutId, CancellationToken cancellationToken)
    {
        // A poll of this rollout already running here is the answer: whoever asks now (the scheduler, "Poll now") waits
        // for it rather than reading the rollout twice or returning before its samples are in.
        var mine = new TaskCompletionSource<PollOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _inFlight.GetOrAdd(rolloutId, mine.Task);
        if (!ReferenceEquals(running, mine.Task))
        {
            return await running.WaitAsync(cancellationToken);
        }

        try
        {
            var outcome = await PollOnceAsync(rolloutId, cancellationToken);
            mine.SetResult(outcome);
            return outcome;
        }
        catch (Exception exception)
        {
            mine.SetException(exception);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<long, Task<PollOutcome>>(rolloutId, mine.Task));
        }
    }

    private async Task<PollOutcome> PollOnceAsync(long rolloutId, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Poll, rolloutId);
        // The poll's storage calls come one after another: they share one connection (19 opens per poll before), given
        // back to the pool through the metric read and a command's call to the deploy system.
        await using var shared = SharedConnectionScope.Begin();
        using var tally = StorageTally.Begin();
        var rollout = await store.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return new PollOutcome(PollOutcomeKind.NotFound, 0, null, null, [], null);
        }

        if (!RolloutStateMachine.IsLive(rollout.Status) || rollout.PhaseStartedAt is null)
        {
            return new PollOutcome(PollOutcomeKind.NotLive, 0, null, null, [], null);
        }

        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        _lastAttempt[rollout.Id] = wallNow;
        var to = Minutes.Floor(RolloutClock.Now(rollout, wallNow));
        var from = Minutes.Floor(rollout.LastPolledTo ?? await RolloutStartAsync(rollout, cancellationToken) - TimeSpan.FromHours(1));
        if (from < to - options.MaxBackfill)
        {
            from = Minutes.Floor(to - options.MaxBackfill);
        }

        if (from >= to)
        {
            return new PollOutcome(PollOutcomeKind.NothingNew, 0, from, to, [], null);
        }

        if (await store.ClaimAsync(rollout.Id, from, to, cancellationToken) is not { } runId)
        {
            // Another instance holds this range (or held it and died mid-poll): nothing failed here, so no pause before
            // the next tick tries again; once the range moves on (the next minute) this instance polls it.
            _lastAttempt.TryRemove(rollout.Id, out _);
            return new PollOutcome(PollOutcomeKind.AlreadyClaimed, 0, from, to, [], null);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await ReadJudgeAndActAsync(rollout, plan, runId, from, to, activity, cancellationToken);
        }
        finally
        {
            // Failed and slow polls are the ones worth seeing: the duration is recorded whatever happened.
            store.RecordDuration(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            // Storage per poll is read against the polls counted, which are counted when their samples are recorded.
            if (tally.Recorded)
            {
                store.RecordStorage(tally);
            }
        }
    }

    /// <summary>When the canary first took traffic: where the first poll starts reading (an hour before it).</summary>
    private async Task<DateTimeOffset> RolloutStartAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var phases = await store.ListPhasesAsync(rollout.Id, cancellationToken);
        return phases.Where(p => p.StartedAt is not null).Select(p => p.StartedAt!.Value).DefaultIfEmpty(rollout.PhaseStartedAt!.Value).Min();
    }

    private async Task<PollOutcome> ReadJudgeAndActAsync(RolloutRecord rollout, RolloutPlan plan, long runId, DateTimeOffset from, DateTimeOffset to, System.Diagnostics.Activity? activity,
        CancellationToken cancellationToken)
    {
        MetricReadResult read;
        using (SharedConnectionScope.Suspend())
        {
            // Up to the deadline on a slow source: no connection is held through it.
            read = await reader.ReadAsync(rollout, plan, from, to, DeadlineFor(rollout, plan), cancellationToken);
        }

        var written = await store.RecordAsync(runId, rollout, read, to, cancellationToken);
        activity?.SetTag(Telemetry.RolloutTracing.OutcomeTag, read.Status.ToString());
        if (read.AllFailed)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "every metric read failed");
            logger.LogWarning("Rollout {RolloutId}: every metric read failed ({Problem}); the next poll retries from {From}", rollout.Id, read.Problems.FirstOrDefault(), from);
        }

        var snapshot = await JudgeAndActAsync(rollout.Id, store.CommandsFirst(), cancellationToken);
        return new PollOutcome(PollOutcomeKind.Polled, written, from, to, read.Problems, snapshot);
    }

    /// <summary>
    /// Judges the rollout as it now stands (once), carries out what triggers or auto-advance require, and publishes. On
    /// SQLite one rollout is judged at a time (<see cref="JudgingTurns"/>); a command leaves the turn before it goes out.
    /// </summary>
    public Task<RolloutSnapshot?> JudgeAndActAsync(long rolloutId, CancellationToken cancellationToken) => JudgeAndActAsync(rolloutId, null, cancellationToken);

    /// <param name="commandsFirst">A poll's: its judgement gives way to the commands being carried out (nobody waits for it).</param>
    private async Task<RolloutSnapshot?> JudgeAndActAsync(long rolloutId, WriteTurns.BackgroundTurn? commandsFirst, CancellationToken cancellationToken)
    {
        // Another instance (or a probe or signal here) may act on the same trigger at the same moment: then this one's
        // command is refused as a conflict (or found done), and the answer must be the rollout as it now is, not the
        // stale judgement. Each attempt takes its own turn.
        for (var attempt = 1; ; attempt++)
        {
            using var turn = await _judging.EnterAsync(cancellationToken);
            var rollout = await store.GetAsync(rolloutId, cancellationToken);
            if (rollout is null)
            {
                return null;
            }

            var (snapshot, raced) = await actions.TryActAsync(await assessor.AssessAsync(rollout, cancellationToken, commandsFirst), turn.Leave, cancellationToken, commandsFirst);
            if (!raced || attempt == 3)
            {
                return snapshot;
            }
        }
    }
}
