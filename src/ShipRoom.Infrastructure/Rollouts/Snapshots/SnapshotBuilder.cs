using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using System.Globalization;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// Builds a rollout's snapshot: reads its samples, decisions and polls once, runs the engine, and shapes panels,
/// charts (bounded points per series) and the timeline. Called once per change, never per viewer.
/// </summary>
public sealed class SnapshotBuilder(
    IRolloutRepository rollouts,
    ISampleRepository samples,
    IDecisionRepository decisions,
    IPollRunRepository pollRuns,
    IProbeRunRepository probeRuns,
    IChecklistRepository checklists,
    IPhaseSummaryRepository summaries,
    IRosterRepository roster,
    INotificationRepository posts,
    PlanCache plans,
    PollScheduleOptions schedule,
    TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, RolloutSnapshot> _lastBuilt = new();

    /// <summary>Points per chart series: enough for the longest window at one-minute resolution, bounded for the browser.</summary>
    public const int MaxPointsPerSeries = 240;

    /// <summary>#ship-room posts shown on the dashboard, newest first.</summary>
    public const int RecentPosts = 12;

    public async Task<RolloutSnapshot?> BuildAsync(long rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        return rollout is null ? null : await BuildAsync(rollout, cancellationToken);
    }

    /// <summary>The last snapshot this instance built of the rollout: what the rollback path knows when the database is gone.</summary>
    public RolloutSnapshot? LastBuilt(long rolloutId) => _lastBuilt.GetValueOrDefault(rolloutId);

    public async Task<RolloutSnapshot> BuildAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var snapshot = await BuildCoreAsync(rollout, cancellationToken);
        _lastBuilt[rollout.Id] = snapshot;
        return snapshot;
    }

    private async Task<RolloutSnapshot> BuildCoreAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        var now = RolloutClock.Now(rollout, wallNow);
        var phaseRecords = await rollouts.ListPhasesAsync(rollout.Id, cancellationToken);
        var recentDecisions = await decisions.ListAsync(rollout.Id, 100, cancellationToken);
        var recentPolls = await pollRuns.ListRecentAsync(rollout.Id, 20, cancellationToken);

        var phaseStart = rollout.PhaseStartedAt ?? now;
        var evaluatedUpTo = Minutes.Floor(rollout.LastPolledTo is { } polled && polled < now ? polled : now);
        var historyFrom = Minutes.Floor(phaseStart - TimeSpan.FromMinutes(Math.Max(60, MaxPointsPerSeries)));
        var loaded = rollout.PhaseStartedAt is null ? [] : await samples.ReadAsync(rollout.Id, historyFrom, evaluatedUpTo, cancellationToken);

        RolloutVerdict? verdict = null;
        IReadOnlyList<ProbeRun> probes = [];
        if (rollout.PhaseStartedAt is not null)
        {
            var rolloutStart = phaseRecords.Where(p => p.StartedAt is not null).Select(p => p.StartedAt!.Value).DefaultIfEmpty(phaseStart).Min();
            probes = plan.Probes.Count == 0 ? [] : await probeRuns.ListAsync(rollout.Id, rolloutStart, now.AddMinutes(1), cancellationToken);
            var input = new EvaluationInput(rollout.PhaseIndex, phaseStart, evaluatedUpTo, loaded, probes, DecisionInputs.Approvals(recentDecisions))
            {
                RolloutStartedAt = rolloutStart,
                RolloutEnded = Core.Rollouts.RolloutStateMachine.IsFinished(rollout.Status),
            };
            verdict = Core.Evaluation.RolloutEvaluator.Default.Evaluate(plan, input, DecisionInputs.TriggersFrom(recentDecisions, phaseStart));
        }

        var series = new SeriesIndex(loaded);
        var lastMinute = evaluatedUpTo.AddMinutes(-1);
        var panels = BuildPanels(plan, series, verdict, rollout.PhaseIndex, lastMinute);
        var caps = await PaymentCapsAsync(plan, rollout, phaseRecords, now, cancellationToken);
        var lists = Checklists(plan, rollout, phaseRecords, await checklists.ListAsync(rollout.Id, cancellationToken), wallNow);
        return new RolloutSnapshot(
            rollout.Id,
            rollout.Version,
            rollout.Name,
            rollout.Status,
            new ReleaseSummary(plan.Release.Version, plan.Release.Commit, plan.Release.DataMigrations, plan.Release.RollbackRunbook, plan.Release.RollbackCommand,
                plan.Release.CanaryRoutingKey, plan.Release.BlastRadius, plan.Release.T0, plan.Release.Region, plan.Release.RegionRationale, plan.Release.Scope),
            rollout.PhaseIndex,
            plan.Phases.Select((p, i) => new PhaseSummary(i, p.Name, p.TrafficPercent, Minutes.WholeMinutes(p.Observe), phaseRecords.FirstOrDefault(r => r.PhaseIndex == i)?.StartedAt)).ToList(),
            rollout.PhaseStartedAt,
            now,
            rollout.TimeFactor,
            PollStatusOf(rollout, plan, recentPolls, wallNow),
            verdict,
            panels,
            caps,
            Timeline(recentDecisions, recentPolls),
            RollbackTimingOf(plan, recentDecisions),
            lists,
            (await summaries.ListAsync(rollout.Id, cancellationToken)).Take(50)
                .Select(x => new SummarySnapshot(x.Id, plan.Phases[Math.Clamp(x.PhaseIndex, 0, plan.Phases.Count - 1)].Name, x.Author, x.Recommendation, x.Markdown, x.PostedAt)).ToList(),
            await RosterAsync(plan, rollout.Id, cancellationToken),
            plan.Probes.Select(p => ProbeStatusOf(p.Name, probes)).ToList(),
            rollout.MetricSource,
            rollout.MetricSource == MetricSourceNames.Simulator ? RolloutSourceSettings.FromJson(rollout.SourceSettings).Scenario : null,
            wallNow)
        {
            Posts = (await posts.ListAsync(rollout.Id, RecentPosts, cancellationToken))
                .Select(n => new PostSnapshot(n.Kind, n.Channel, n.Title, n.Status, n.Attempts, n.LastError, n.CreatedAt, n.SentAt, n.Status == NotificationStates.Pending ? n.NextAttemptAt : null)).ToList(),
        };
    }

    /// <summary>The wall-clock interval between polls of this rollout: the plan's pollEvery (rollout time) or the configured default.</summary>
    public TimeSpan PollInterval(RolloutRecord rollout, RolloutPlan plan) =>
        RolloutClock.ToWall(rollout, plan.PollEvery ?? schedule.DefaultPollInterval);

    private PollStatus PollStatusOf(RolloutRecord rollout, RolloutPlan plan, IReadOnlyList<PollRunRecord> polls, DateTimeOffset wallNow)
    {
        var interval = PollInterval(rollout, plan);
        var last = polls.FirstOrDefault(p => p.Status != PollRunStatus.Running);
        var lastSuccess = polls.FirstOrDefault(p => p.Status is PollRunStatus.Succeeded or PollRunStatus.PartiallyFailed);
        var live = Core.Rollouts.RolloutStateMachine.IsLive(rollout.Status);
        var staleAfter = (interval * 2) + schedule.StaleGrace;
        var stale = live && (lastSuccess?.FinishedAt is not { } finished || wallNow - finished > staleAfter);
        var problems = last?.Problems is { Length: > 0 } text ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        return new PollStatus(rollout.MetricSource, last?.FinishedAt, rollout.LastPolledTo, live ? (last?.FinishedAt ?? wallNow) + interval : null, interval, stale, problems);
    }

    private static IReadOnlyList<PanelSnapshot> BuildPanels(RolloutPlan plan, SeriesIndex series, RolloutVerdict? verdict, int phaseIndex, DateTimeOffset lastMinute)
    {
        var gates = plan.GatesFor(phaseIndex);
        var chartFrom = lastMinute.AddMinutes(-(MaxPointsPerSeries - 1));
        return plan.Metrics.GroupBy(m => m.Panel).OrderBy(g => g.Key).Select(group => new PanelSnapshot(group.Key, PanelTitle(group.Key), group.Select(metric =>
        {
            var control = series.ValueAt(metric.Key, Cohort.Control, null, lastMinute);
            var canary = series.ValueAt(metric.Key, Cohort.Canary, null, lastMinute);
            var gate = gates.FirstOrDefault(g => g.Series.MetricKey == metric.Key);
            var gateVerdict = gate is null ? null : verdict?.Gates.FirstOrDefault(v => v.Key == gate.Key);
            return new MetricSnapshot(
                metric.Key,
                metric.Name,
                metric.Unit,
                metric.Better,
                control,
                canary,
                control is { } k && canary is { } c && k != 0 ? Math.Round((c - k) / Math.Abs(k) * 100, 2) : null,
                gateVerdict?.Status,
                gate?.Pass.Text,
                gate?.Pass is AbsoluteCondition absolute ? (double)absolute.Threshold : null,
                metric.Journeys.Select(j => new JourneyValue(j, series.ValueAt(metric.Key, Cohort.Control, j, lastMinute), series.ValueAt(metric.Key, Cohort.Canary, j, lastMinute))).ToList(),
                Points(series, metric.Key, Cohort.Control, chartFrom, lastMinute),
                Points(series, metric.Key, Cohort.Canary, chartFrom, lastMinute));
        }).ToList())).ToList();
    }

    private static IReadOnlyList<SeriesPoint> Points(SeriesIndex series, string metric, Cohort cohort, DateTimeOffset from, DateTimeOffset lastMinute) =>
        series.Range(metric, cohort, null, from, lastMinute.AddMinutes(1)).TakeLast(MaxPointsPerSeries).Select(p => new SeriesPoint(p.Minute, Math.Round(p.Value, 6))).ToList();

    public static string PanelTitle(MetricPanel panel) => panel switch
    {
        MetricPanel.UnitEconomics => "Unit economics",
        _ => panel.ToString(),
    };

    private async Task<PaymentCapUsage?> PaymentCapsAsync(RolloutPlan plan, RolloutRecord rollout, IReadOnlyList<PhaseRecord> phases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plan.PaymentCaps is not { } caps)
        {
            return null;
        }

        var from = phases.Where(p => p.StartedAt is not null).Select(p => p.StartedAt!.Value).DefaultIfEmpty(now).Min();
        var transactions = caps.TransactionsMetric is null ? 0 : (int)Math.Round(await samples.SumAsync(rollout.Id, caps.TransactionsMetric, Cohort.Canary, from, now, cancellationToken));
        var dollars = caps.DollarsMetric is null ? 0m : Math.Round((decimal)await samples.SumAsync(rollout.Id, caps.DollarsMetric, Cohort.Canary, from, now, cancellationToken), 2);
        return new PaymentCapUsage(transactions, caps.MaxTransactions, dollars, caps.MaxTotal, caps.MaxPerTransaction, caps.Currency, transactions > caps.MaxTransactions || dollars > caps.MaxTotal);
    }

    private static IReadOnlyList<TimelineEntry> Timeline(IReadOnlyList<DecisionRecord> decisions, IReadOnlyList<PollRunRecord> polls)
    {
        var entries = decisions.Select(d => new TimelineEntry(d.RequestedAt, d.Kind.Key(), d.Actor, DecisionText.Describe(d), d.Reason, d.Outcome.ToString())).ToList();
        entries.AddRange(polls.Where(p => p.Status is PollRunStatus.Failed or PollRunStatus.PartiallyFailed)
            .Select(p => new TimelineEntry(p.FinishedAt ?? p.StartedAt, "poll", "ShipRoom", $"Poll {p.Status}: {p.Problems?.Split('\n').FirstOrDefault()}", null, p.Status.ToString())));
        return entries.OrderByDescending(e => e.At).Take(50).ToList();
    }

    private static IReadOnlyList<ChecklistSnapshot> Checklists(RolloutPlan plan, RolloutRecord rollout, IReadOnlyList<PhaseRecord> phases, IReadOnlyList<ChecklistItemRecord> items, DateTimeOffset wallNow)
    {
        // Due times are wall-clock: T-0 from the plan (or the first phase's start), post-success from reaching 100% plus stabilisation.
        var t0 = plan.Release.T0 ?? phases.FirstOrDefault(p => p.PhaseIndex == 0)?.StartedAt;
        var finalStart = phases.FirstOrDefault(p => p.PhaseIndex == plan.Phases.Count - 1)?.StartedAt;
        return plan.Checklists.Select(list => new ChecklistSnapshot(list.Name, list.Items.Any(i => i.AfterSuccess), items.Where(i => i.ListName == list.Name).Select(item =>
        {
            var definition = list.Items.FirstOrDefault(d => d.Key == item.ItemKey);
            DateTimeOffset? due = definition?.AfterSuccess == true
                ? finalStart is { } reached ? reached + RolloutClock.ToWall(rollout, plan.Stabilisation) + TimeSpan.FromMinutes(item.DueOffsetMinutes) : null
                : t0?.AddMinutes(item.DueOffsetMinutes);
            var closed = item.State is TickStates.Done or TickStates.NotApplicable;
            return new ChecklistItemSnapshot(item.ItemKey, item.Title, item.OwnerRole, due, item.State, item.TickedBy, item.TickedAt, item.Reason, !closed && due < wallNow);
        }).ToList())).ToList();
    }

    private static ProbeStatus ProbeStatusOf(string name, IReadOnlyList<ProbeRun> runs)
    {
        var mine = runs.Where(r => r.ProbeName == name).ToList();
        var last = mine.LastOrDefault();
        var failures = mine.AsEnumerable().Reverse().TakeWhile(r => !r.Passed).Count();
        return new ProbeStatus(name, last?.RanAt, last?.Passed, last?.Reason, failures, mine.Count);
    }

    private async Task<IReadOnlyList<RosterSnapshot>> RosterAsync(RolloutPlan plan, long rolloutId, CancellationToken cancellationToken)
    {
        var entries = (await roster.ListAsync(rolloutId, cancellationToken)).ToDictionary(e => e.Role, StringComparer.Ordinal);
        return plan.Roster.Select(r => new RosterSnapshot(r.Key, r.Title, r.ShipRoomRole, entries.GetValueOrDefault(r.Key))).ToList();
    }

    private static RollbackTiming RollbackTimingOf(RolloutPlan plan, IReadOnlyList<DecisionRecord> decisions)
    {
        var rollback = decisions.FirstOrDefault(d => d.Kind == RolloutCommand.RollBack && d.Outcome != DecisionOutcome.Refused);
        if (rollback is null)
        {
            return new RollbackTiming(plan.RollbackBudget, null, null, null, null, null);
        }

        var took = rollback.AcknowledgedAt - rollback.RequestedAt;
        return new RollbackTiming(plan.RollbackBudget, rollback.RequestedAt, rollback.AcknowledgedAt, took, took is { } t ? t <= plan.RollbackBudget : null, rollback.Error);
    }
}
