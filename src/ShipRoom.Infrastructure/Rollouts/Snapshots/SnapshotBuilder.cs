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
/// Shapes a rollout's snapshot from its assessment (the verdict and what it was judged from) and the facts the dashboard
/// shows beside it: panels, charts (bounded points per series), timeline, checklists, roster, posts. Built once per change,
/// never per viewer; <see cref="Builds"/> counts them.
/// </summary>
public sealed class SnapshotBuilder(
    IRolloutRepository rollouts,
    RolloutAssessor assessor,
    RolloutViewReader views,
    LastKnownSnapshots lastKnown,
    PollScheduleOptions schedule,
    Telemetry.RolloutMetrics metrics,
    Deploy.IDeployExecutor executor)
{
    private long _builds;

    /// <summary>Points per chart series: enough for the longest window at one-minute resolution, bounded for the browser.</summary>
    public const int MaxPointsPerSeries = 240;

    /// <summary>
    /// Minutes of each gate's minute-by-minute history the snapshot carries: the recent strip a viewer or a hub client
    /// reads, so the verdict's size does not grow with the phase's age (at 72 h in one phase it was 6 MB). The verdict's
    /// counts and reasons still cover the whole window; each change of a gate's status is stored (gate-history.csv in the
    /// audit archive), and any minute can be judged again from the stored samples (<c>shiproom evaluate</c>).
    /// </summary>
    public const int GateMinutesShown = 15;

    /// <summary>#ship-room posts shown on the dashboard, newest first.</summary>
    public const int RecentPosts = RolloutViewReader.RecentPosts;

    /// <summary>How many snapshots this instance has built: one per change, whatever the number of viewers.</summary>
    public long Builds => Interlocked.Read(ref _builds);

    public async Task<RolloutSnapshot?> BuildAsync(long rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        return rollout is null ? null : await BuildAsync(rollout, cancellationToken);
    }

    /// <summary>The last snapshot this instance built of a live rollout: what the rollback path knows when the database is gone.</summary>
    public RolloutSnapshot? LastBuilt(long rolloutId) => lastKnown.Get(rolloutId);

    /// <summary>Judges the rollout as it stands and shapes its snapshot.</summary>
    public async Task<RolloutSnapshot> BuildAsync(RolloutRecord rollout, CancellationToken cancellationToken) =>
        await BuildAsync(await assessor.AssessAsync(rollout, cancellationToken), cancellationToken);

    /// <summary>Shapes the snapshot of a rollout already judged (the poll's assessment): nothing is judged twice.</summary>
    public async Task<RolloutSnapshot> BuildAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        var snapshot = Shape(assessment, await views.ReadAsync(assessment, cancellationToken));
        Interlocked.Increment(ref _builds);
        metrics.SnapshotBuilds.Add(1);
        lastKnown.Remember(snapshot);
        return snapshot;
    }

    private RolloutSnapshot Shape(RolloutAssessment assessment, RolloutViewFacts view)
    {
        var (rollout, plan, wallNow, now) = (assessment.Rollout, assessment.Plan, assessment.WallNow, assessment.Now);
        var verdict = assessment.Verdict;
        var lastMinute = assessment.EvaluatedUpTo.AddMinutes(-1);
        var (panels, capsUsed) = ReadSeries(assessment, lastMinute, lastKnown.Get(rollout.Id));
        return new RolloutSnapshot
        {
            Id = rollout.Id,
            Version = rollout.Version,
            Name = rollout.Name,
            Status = rollout.Status,
            Release = plan.Release,
            PhaseIndex = rollout.PhaseIndex,
            Phases = plan.Phases.Select((p, i) => new PhaseSnapshot(i, p.Name, p.TrafficPercent, Minutes.WholeMinutes(p.Observe), assessment.Phases.FirstOrDefault(r => r.PhaseIndex == i)?.StartedAt)).ToList(),
            PhaseStartedAt = rollout.PhaseStartedAt,
            Now = now,
            CreatedAt = rollout.CreatedAt,
            TimeFactor = rollout.TimeFactor,
            Poll = PollStatusOf(rollout, plan, view.Polls, wallNow),
            Verdict = verdict is null ? null : RecentGateMinutes(verdict),
            Panels = panels,
            PaymentCaps = capsUsed,
            Timeline = Timeline(assessment.Decisions, view.Polls),
            Rollback = RollbackTimingOf(plan, assessment.Decisions),
            Checklists = Checklists(plan, rollout, assessment.Phases, view.ChecklistItems, wallNow),
            Summaries = view.Summaries.Take(50)
                .Select(x => SummaryOf(x, plan)).ToList(),
            Roster = RosterOf(plan, view.Roster),
            Probes = plan.Probes.Select(p => ProbeStatusOf(p.Name, assessment.ProbeRuns)).ToList(),
            MetricSource = rollout.MetricSource,
            Scenario = rollout.MetricSource == MetricSourceNames.Simulator ? RolloutSourceSettings.FromJson(rollout.SourceSettings).Scenario : null,
            BuiltAt = wallNow,
            ActionsRecordedOnly = executor.RecordsOnly,
            Posts = view.Posts
                .Select(n => new PostSnapshot(n.Kind, n.Channel, n.Title, n.Status, n.Attempts, n.LastError, n.CreatedAt, n.SentAt, n.Status == NotificationStates.Pending ? n.NextAttemptAt : null)).ToList(),
            Paging = (view.Pages ?? []).Select(p => new PageStatusSnapshot(p.Cause, p.DedupKey, p.State, p.Agent, p.OccurredAt, p.IncidentUrl)).ToList(),
            Postmortem = view.Postmortem is { } pm ? new PostmortemSnapshot(pm.Cause, pm.CreatedAt, pm.DueAt, pm.UpdatedBy, pm.UpdatedAt, pm.PublishedBy, pm.PublishedAt) : null,
            PostSuccess = PostSuccessOf(plan, rollout, assessment.Decisions, view),
        };
    }

    /// <summary>The steps the plan's postSuccess pre-approves, in order, each with what is recorded of it ("pending" until an instance runs it).</summary>
    private static PostSuccessSnapshot? PostSuccessOf(RolloutPlan plan, RolloutRecord rollout, IReadOnlyList<DecisionRecord> decisions, RolloutViewFacts view)
    {
        if (rollout.Status != RolloutStatus.Completed || plan.PostSuccess is not { } post)
        {
            return null;
        }

        var complete = decisions.FirstOrDefault(d => d is { Kind: RolloutCommand.Complete, Outcome: DecisionOutcome.Executed });
        var completedAt = complete?.ExecutedAt ?? complete?.RequestedAt ?? rollout.UpdatedAt;
        var steps = PostSuccessSteps.For(plan).Select(name => view.PostSuccessSteps.FirstOrDefault(r => r.Action == name) is { } r
            ? new PostSuccessStepSnapshot(name, PostSuccessSteps.Describe(name), r.Outcome, r.Detail, r.Attempts, r.DoneAt)
            : new PostSuccessStepSnapshot(name, PostSuccessSteps.Describe(name), "pending", null, 0, null)).ToList();
        var winNote = view.WinNote is { } w ? new PostmortemSnapshot(w.Cause, w.CreatedAt, w.DueAt, w.UpdatedBy, w.UpdatedAt, w.PublishedBy, w.PublishedAt) : null;
        return new PostSuccessSnapshot(steps, winNote, post.CohortReview is { } review ? completedAt + review.After : null,
            post.CohortReview is { } r2 ? $"{Core.PostSuccess.CohortReviewReport.Span(r2.After)} cohort review" : null);
    }

    /// <summary>The wall-clock interval between polls of this rollout: the plan's pollEvery (rollout time) or the configured default.</summary>
    public TimeSpan PollInterval(RolloutRecord rollout, RolloutPlan plan) => schedule.WallInterval(rollout, plan);

    private PollStatus PollStatusOf(RolloutRecord rollout, RolloutPlan plan, IReadOnlyList<PollRunRecord> polls, DateTimeOffset wallNow)
    {
        var interval = PollInterval(rollout, plan);
        var last = polls.FirstOrDefault(p => p.Status != PollRunStatus.Running);
        var lastSuccess = polls.FirstOrDefault(p => p.Status is PollRunStatus.Succeeded or PollRunStatus.PartiallyFailed);
        var live = Core.Rollouts.RolloutStateMachine.IsLive(rollout.Status);
        var staleAfter = (interval * 2) + schedule.StaleGrace;
        // Never polled successfully: stale from the start, as there is nothing current to show.
        DateTimeOffset? staleAt = live ? lastSuccess?.FinishedAt is { } finished ? finished + staleAfter : rollout.CreatedAt : null;
        var stale = staleAt is { } at && wallNow > at;
        var problems = last?.Problems is { Length: > 0 } text ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        return new PollStatus(rollout.MetricSource, last?.FinishedAt, rollout.LastPolledTo, live ? (last?.FinishedAt ?? wallNow) + interval : null, interval, stale, problems)
        {
            StaleAt = staleAt,
        };
    }

    /// <summary>The verdict with each gate's history cut to its last <see cref="GateMinutesShown"/> minutes.</summary>
    public static RolloutVerdict RecentGateMinutes(RolloutVerdict verdict) =>
        verdict.Gates.All(g => g.History.Count <= GateMinutesShown)
            ? verdict
            : verdict with { Gates = verdict.Gates.Select(g => g.History.Count <= GateMinutesShown ? g : g with { History = g.History.TakeLast(GateMinutesShown).ToList() }).ToList() };

    /// <summary>
    /// The charts, latest values and payment cap usage, read from the index the assessment's own evaluation kept (kept
    /// with the rollout's sample window) or, where none is kept or another evaluation has run since, from an index
    /// of the assessment's samples made here.
    /// </summary>
    private static (IReadOnlyList<PanelSnapshot> Panels, PaymentCapUsage? Caps) ReadSeries(RolloutAssessment assessment, DateTimeOffset lastMinute, RolloutSnapshot? before)
    {
        (IReadOnlyList<PanelSnapshot>, PaymentCapUsage?) From(SeriesIndex series) =>
            (BuildPanels(assessment.Plan, series, assessment.Verdict, assessment.Rollout.PhaseIndex, lastMinute, before), PaymentCapsOf(assessment, series));
        return assessment.Memo?.ReadIndex(assessment.MemoGeneration, kept => kept is null ? ((IReadOnlyList<PanelSnapshot>, PaymentCapUsage?)?)null : From(kept))
            ?? From(new SeriesIndex(assessment.Samples));
    }

    /// <summary>The panels; each chart series carries on from <paramref name="before"/>'s where the index still agrees with it (<see cref="ChartPoints"/>).</summary>
    private static IReadOnlyList<PanelSnapshot> BuildPanels(RolloutPlan plan, SeriesIndex series, RolloutVerdict? verdict, int phaseIndex, DateTimeOffset lastMinute, RolloutSnapshot? before)
    {
        var gates = plan.GatesFor(phaseIndex);
        var chartFrom = lastMinute.AddMinutes(-(MaxPointsPerSeries - 1));
        var earlier = new Dictionary<string, MetricSnapshot>(StringComparer.Ordinal);
        foreach (var shown in before?.Panels.SelectMany(p => p.Metrics) ?? [])
        {
            earlier.TryAdd(shown.Key, shown);
        }

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
                ChartPoints.Of(series, metric.Key, Cohort.Control, chartFrom, lastMinute.AddMinutes(1), MaxPointsPerSeries, earlier.GetValueOrDefault(metric.Key)?.ControlSeries),
                ChartPoints.Of(series, metric.Key, Cohort.Canary, chartFrom, lastMinute.AddMinutes(1), MaxPointsPerSeries, earlier.GetValueOrDefault(metric.Key)?.CanarySeries));
        }).ToList())).ToList();
    }

    public static string PanelTitle(MetricPanel panel) => panel switch
    {
        MetricPanel.UnitEconomics => "Unit economics",
        _ => panel.ToString(),
    };

    /// <summary>
    /// The caps' usage since the rollout began, summed from the samples judged (the assessment reads everything since the
    /// rollout began when the plan has caps) the way the payment cap triggers sum them: finite values as decimals, in time order.
    /// </summary>
    private static PaymentCapUsage? PaymentCapsOf(RolloutAssessment assessment, SeriesIndex series)
    {
        if (assessment.Plan.PaymentCaps is not { } caps)
        {
            return null;
        }

        var plan = assessment.Plan;
        var from = assessment.StartedAt ?? assessment.Now;
        // Clamped: a decimal past int's range throws on conversion, and a miswired metric (a running total) gets there.
        var transactions = caps.TransactionsMetric is { } counted ? (int)Math.Clamp(Math.Round(series.SumFinite(counted, Cohort.Canary, null, from, assessment.Now)), int.MinValue, int.MaxValue) : 0;
        var dollars = caps.DollarsMetric is { } spent ? Math.Round(series.SumFinite(spent, Cohort.Canary, null, from, assessment.Now), 2) : 0m;
        // From the same index, not a scan of every sample since the rollout began (the shipped 1% -> 100% plan has caps).
        decimal? largest = caps.LargestTransactionMetric is { } metric && assessment.StartedAt is { } started
            && series.MaxFinite(metric, Cohort.Canary, null, started, assessment.Now) is { } max
            ? Math.Round((decimal)max, 2)
            : null;

        var lastPhase = caps.Through is null ? -1 : plan.PhaseIndexOf(caps.Through);
        return new PaymentCapUsage(transactions, caps.MaxTransactions, dollars, caps.MaxTotal, caps.MaxPerTransaction, caps.Currency,
            transactions > caps.MaxTransactions || dollars > caps.MaxTotal || largest > caps.MaxPerTransaction)
        {
            LargestTransaction = largest,
            OnBreach = caps.OnBreach switch { TriggerAction.Rollback => "ROLL BACK", TriggerAction.Hold => "HOLD", _ => null },
            Through = caps.Through,
            // Lifted only once a deploy system acknowledged the lift; past the last capped phase without it, the lift is pending.
            Lifted = lastPhase >= 0 && assessment.Rollout.PhaseIndex > lastPhase && DecisionInputs.PaymentCapsLifted(assessment.Decisions),
            LiftPending = lastPhase >= 0 && assessment.Rollout.PhaseIndex > lastPhase && !DecisionInputs.PaymentCapsLifted(assessment.Decisions),
        };
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

    private static IReadOnlyList<RosterSnapshot> RosterOf(RolloutPlan plan, IReadOnlyList<RosterEntry> roster)
    {
        var entries = roster.ToDictionary(e => e.Role, StringComparer.Ordinal);
        return plan.Roster.Select(r => new RosterSnapshot(r.Key, r.Title, r.ShipRoomRole, entries.GetValueOrDefault(r.Key)) { PageOn = r.PageOn }).ToList();
    }

    private static SummarySnapshot SummaryOf(PhaseSummaryRecord summary, RolloutPlan plan)
    {
        var (overall, kpis) = SummaryKpis.Read(summary.KpiSnapshot, plan);
        return new SummarySnapshot(summary.Id, plan.Phases[Math.Clamp(summary.PhaseIndex, 0, plan.Phases.Count - 1)].Name, summary.Author, summary.Recommendation, summary.Markdown, summary.PostedAt)
        {
            OverallWhenPosted = overall,
            Kpis = kpis,
        };
    }

    /// <summary>
    /// Time to rollback, from the first rollback asked for (a retry after a failure does not restart the clock) to the
    /// deploy system's acknowledgement, and to its report that traffic is restored where it sends one.
    /// </summary>
    private static RollbackTiming RollbackTimingOf(RolloutPlan plan, IReadOnlyList<DecisionRecord> newestFirst)
    {
        var rollbacks = newestFirst.Where(d => d.Kind == RolloutCommand.RollBack && d.Outcome is not DecisionOutcome.Refused).ToList();
        if (rollbacks.Count == 0)
        {
            return new RollbackTiming(plan.RollbackBudget, null, null, null, null, null);
        }

        var first = rollbacks[^1];
        var latest = rollbacks[0];
        var done = rollbacks.FirstOrDefault(d => d.Outcome == DecisionOutcome.Executed);
        var took = done?.AcknowledgedAt - first.RequestedAt;
        return new RollbackTiming(plan.RollbackBudget, first.RequestedAt, done?.AcknowledgedAt, took, took is { } t ? t <= plan.RollbackBudget : null,
            latest.Outcome == DecisionOutcome.Failed ? latest.Error : null)
        {
            CompletedAt = done?.CompletedAt,
            RecordedOnly = done?.RecordedOnly == true,
        };
    }
}
