using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;
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
/// Reads every metric of a rollout's plan for both cohorts and every journey, one-minute samples from where the last
/// poll stopped up to now (so downtime is back-filled, not skipped), stores them, judges the rollout, carries out any
/// automatic hold or rollback through the command service, and publishes the snapshot.
/// </summary>
public sealed class RolloutPoller(
    IRolloutRepository rollouts,
    ISampleRepository samples,
    IPollRunRepository pollRuns,
    MetricSourceResolver sources,
    PlanCache plans,
    SnapshotBuilder snapshots,
    RolloutCommandService commands,
    IRolloutPublisher publisher,
    IJudgementHistoryRepository history,
    PollScheduleOptions options,
    Telemetry.RolloutMetrics metrics,
    TimeProvider time,
    ILogger<RolloutPoller> logger)
{
    private const int ParallelReads = 8;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastAttempt = new();

    /// <summary>Polls every live rollout whose poll is due; returns how many were polled.</summary>
    public async Task<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var polled = 0;
        foreach (var rollout in await rollouts.ListAsync(cancellationToken))
        {
            if (!RolloutStateMachine.IsLive(rollout.Status) || !IsDue(rollout))
            {
                continue;
            }

            try
            {
                var outcome = await PollAsync(rollout.Id, cancellationToken);
                polled += outcome.Kind == PollOutcomeKind.Polled ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One rollout's failure must not stop the others from being watched.
                logger.LogError(exception, "Polling rollout {RolloutId} failed", rollout.Id);
            }
        }

        return polled;
    }

    public bool IsDue(RolloutRecord rollout)
    {
        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        if (_lastAttempt.TryGetValue(rollout.Id, out var attempted) && wallNow - attempted < TimeSpan.FromTicks(Math.Min(RetryAfterFailure.Ticks, snapshots.PollInterval(rollout, plan).Ticks)))
        {
            return false;
        }

        var interval = plan.PollEvery ?? options.DefaultPollInterval;
        var polledTo = rollout.LastPolledTo ?? DateTimeOffset.MinValue;
        return RolloutClock.Now(rollout, wallNow) - polledTo >= interval;
    }

    public async Task<PollOutcome> PollAsync(long rolloutId, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Poll, rolloutId);
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
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
        var phases = await rollouts.ListPhasesAsync(rollout.Id, cancellationToken);
        var rolloutStart = phases.Where(p => p.StartedAt is not null).Select(p => p.StartedAt!.Value).DefaultIfEmpty(rollout.PhaseStartedAt.Value).Min();
        var from = Minutes.Floor(rollout.LastPolledTo ?? rolloutStart - TimeSpan.FromHours(1));
        if (from < to - options.MaxBackfill)
        {
            from = Minutes.Floor(to - options.MaxBackfill);
        }

        if (from >= to)
        {
            return new PollOutcome(PollOutcomeKind.NothingNew, 0, from, to, [], null);
        }

        long runId;
        try
        {
            runId = await pollRuns.StartAsync(rollout.Id, wallNow, from, to, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return new PollOutcome(PollOutcomeKind.AlreadyClaimed, 0, from, to, [], null);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (read, problems, failedReads, totalReads) = await ReadAllAsync(rollout, plan, from, to, cancellationToken);
        var written = await samples.UpsertAsync(rollout.Id, read, cancellationToken);
        var allFailed = totalReads > 0 && failedReads == totalReads;
        if (!allFailed)
        {
            await rollouts.SetLastPolledToAsync(rollout.Id, to, cancellationToken);
        }

        var status = allFailed ? PollRunStatus.Failed : failedReads > 0 ? PollRunStatus.PartiallyFailed : PollRunStatus.Succeeded;
        await pollRuns.FinishAsync(runId, time.GetUtcNow(), status, written, problems.Count == 0 ? null : string.Join('\n', problems.Take(50)), cancellationToken);
        activity?.SetTag(Telemetry.RolloutTracing.OutcomeTag, status.ToString());
        if (allFailed)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "every metric read failed");
            logger.LogWarning("Rollout {RolloutId}: every metric read failed ({Problem}); the next poll retries from {From}", rollout.Id, problems.FirstOrDefault(), from);
        }

        var snapshot = await JudgeAndActAsync(rollout.Id, cancellationToken);
        metrics.Polls.Add(1, new KeyValuePair<string, object?>("outcome", status.ToString()));
        metrics.SamplesStored.Add(written);
        metrics.PollDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return new PollOutcome(PollOutcomeKind.Polled, written, from, to, problems, snapshot);
    }

    /// <summary>Judges the rollout as it now stands, carries out what triggers (or the demo's auto-advance) require, and publishes.</summary>
    public async Task<RolloutSnapshot?> JudgeAndActAsync(long rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return null;
        }

        RolloutSnapshot snapshot;
        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Judge, rolloutId))
        {
            snapshot = await snapshots.BuildAsync(rollout, cancellationToken);
            await RecordHistoryAsync(snapshot, cancellationToken);
        }

        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Act, rolloutId))
        {
            snapshot = await ActAsync(rollout, plans.Get(rollout), snapshot, cancellationToken) ?? snapshot;
        }

        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Publish, rolloutId))
        {
            await publisher.PublishAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }

    /// <summary>Keeps every change of a gate's status or a trigger's state for the scorecard and the audit archive.</summary>
    private async Task RecordHistoryAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Verdict is not { } verdict)
        {
            return;
        }

        try
        {
            var gates = verdict.Gates.Select(g => new GateResultRecord(verdict.EvaluatedAt, verdict.PhaseIndex, g.Key, g.StatusText, g.Canary, g.Control, g.Reason)).ToList();
            var triggers = verdict.Triggers.Select(t => new TriggerResultRecord(verdict.EvaluatedAt, verdict.PhaseIndex, t.Key, t.State.ToString(), (int)t.HeldFor.TotalSeconds, t.Reason)).ToList();
            await history.RecordChangesAsync(snapshot.Id, gates, triggers, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // History is for the record; judging and acting must go on without it.
            logger.LogError(exception, "Recording gate and trigger history for rollout {RolloutId} failed", snapshot.Id);
        }
    }

    /// <summary>Carries out the automatic command the judge calls for (the replay of an archive asks the same judge).</summary>
    private async Task<RolloutSnapshot?> ActAsync(RolloutRecord rollout, RolloutPlan plan, RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Verdict is not { } verdict ||
            RolloutJudge.Decide(plan, verdict, new RolloutState(rollout.Status, rollout.PhaseIndex), RolloutSourceSettings.FromJson(rollout.SourceSettings).AutoAdvance) is not { } decision)
        {
            return null;
        }

        var result = await commands.ExecuteAsync(new CommandRequest(rollout.Id, decision.Command, CommandActor.Automatic, decision.Reason,
            IdempotencyKey: decision.IdempotencyKey(rollout.Id, rollout.PhaseIndex)), cancellationToken);
        return result.Snapshot;
    }

    private async Task<(List<MetricSample> Samples, List<string> Problems, int Failed, int Total)> ReadAllAsync(RolloutRecord rollout, RolloutPlan plan, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var source = sources.For(rollout);
        var requests = plan.Metrics
            .SelectMany(metric => new string?[] { null }.Concat(metric.Journeys).SelectMany(journey => new[] { Cohort.Control, Cohort.Canary }.Select(cohort =>
                new MetricSeriesRequest(metric.Key, cohort, journey, from, to, metric.Queries.GetValueOrDefault(source.Name), rollout.PhaseIndex))))
            .ToList();
        var results = new ConcurrentBag<(MetricSeriesRequest Request, MetricSeriesResult Result)>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (request, token) =>
        {
            MetricSeriesResult result;
            try
            {
                result = await source.ReadAsync(request, token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result = MetricSeriesResult.NoData($"{source.Name} failed: {exception.GetType().Name}");
            }

            results.Add((request, result));
        });

        var samplesRead = results.SelectMany(r => r.Result.Samples).Where(s => s.Time >= from && s.Time < to).ToList();
        var problems = results.Where(r => r.Result.Failed)
            .Select(r => $"{r.Request.MetricKey} ({r.Request.Cohort.ToString().ToLowerInvariant()}{(r.Request.Journey is null ? "" : $", {r.Request.Journey}")}): {r.Result.Problem}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return (samplesRead, problems, results.Count(r => r.Result.Failed), requests.Count);
    }
}
