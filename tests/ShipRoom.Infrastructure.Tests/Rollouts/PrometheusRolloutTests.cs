using System.Text.RegularExpressions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.MetricSources.Recorded;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// Shipped plans run end to end on a real Prometheus: hours of series for every metric the plan names are written as
/// OpenMetrics, built into blocks with promtool, and served; the rollout's clock is placed on the recorded hours and
/// the poller reads them through the plan's own query templates, overall series and journeys alike.
/// </summary>
public sealed partial class PrometheusRolloutTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private sealed record Run(RolloutTestHost Host, long Id, RolloutRecord Rollout, List<DecisionRecord> Decisions, List<PollOutcome> Polls, DateTimeOffset Start)
    {
        /// <summary>A trigger as the last published verdict judged it.</summary>
        public TriggerVerdict Trigger(string key) => Assert.Single(Host.Published.All.Last(s => s.Verdict is not null).Verdict!.Triggers, t => t.Key == key);

        /// <summary>Every trigger that fired in any published verdict.</summary>
        public IReadOnlySet<string> Fired => Host.Published.All.Where(s => s.Verdict is not null).SelectMany(s => s.Verdict!.Triggers).Where(t => t.State == TriggerState.Fired).Select(t => t.Key).ToHashSet();
    }

    /// <summary>
    /// Records <paramref name="hours"/> of the service (plus an hour of history before T-0, for rate windows and the
    /// control's sigma history), ending at least 90 minutes ago so promtool's blocks lie behind the server's head, and
    /// polls the rollout every 5 minutes of its clock until it finishes or the recording ends.
    /// </summary>
    /// <remarks>
    /// A deploy system that acknowledges every action stands in for the real one (payment caps count as lifted only
    /// once one has); <paramref name="deploySystem"/> false runs with none configured (actions recorded only).
    /// </remarks>
    private static async Task<Run> RunAsync(string plan, Regression regression = Regression.None, TimeSpan? regressionAfter = null, double hours = 4, int pollEveryMinutes = 5,
        TimeSpan? largeTransactionAfter = null, bool autoAdvance = true, bool deploySystem = true, Func<string, string>? editPlan = null)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60).AddMinutes(-90);
        var start = end.AddHours(-hours);
        var series = new ServiceSeries
        {
            From = start.AddHours(-1), To = end, Regression = regression, RegressionFrom = start + (regressionAfter ?? TimeSpan.Zero),
            LargeTransactionAt = largeTransactionAfter is { } after ? start + after : null,
        };
        await using var prometheus = await RecordedPrometheus.StartAsync(series, Ct);
        var host = await RolloutTestHost.CreateAsync(new SqliteEngine(), start, new Dictionary<string, string?> { ["ShipRoom:Prometheus:BaseUrl"] = prometheus.BaseUrl.ToString() },
            deploySystem ? new RecordingDeploySystem() : null);
        var id = await host.StartPrometheusRolloutAsync(plan, autoAdvance, editPlan);
        var polls = new List<PollOutcome>();
        while (host.Time.GetUtcNow() < end)
        {
            host.Time.Advance(TimeSpan.FromMinutes(pollEveryMinutes));
            polls.Add(await host.Poller.PollAsync(id, Ct));
            if (RolloutStateMachine.IsFinished((await host.Database.Rollouts.GetAsync(id, Ct))!.Status))
            {
                break;
            }
        }

        var decisions = (await host.Database.Decisions.ListAsync(id, 200, Ct)).Where(d => d.Outcome == DecisionOutcome.Executed).ToList();
        return new Run(host, id, (await host.Database.Rollouts.GetAsync(id, Ct))!, decisions, polls, start);
    }

    private static string Explain(Run run) =>
        $"status {run.Rollout.Status} at phase {run.Rollout.PhaseIndex}; decisions: {string.Join(" | ", run.Decisions.Select(d => $"{d.Kind} {d.Reason}"))}\n" +
        $"problems: {string.Join("\n", run.Polls.SelectMany(p => p.Problems).Distinct().Take(10))}\n" +
        $"reasons: {string.Join("\n", run.Host.Published.Latest?.Verdict?.Recommendation.Reasons ?? [])}\n" +
        $"fired: {string.Join(", ", run.Fired)}";

    [GeneratedRegex(@"([A-Za-z_:][A-Za-z0-9_:]*)\{", RegexOptions.CultureInvariant)]
    private static partial Regex SelectorName();

    [Theory]
    [InlineData(DirectivePlanSimulatorTests.Directive000)]
    [InlineData(DirectivePlanSimulatorTests.Directive001)]
    [InlineData(DirectivePlanSimulatorTests.Directive002)]
    [InlineData(DirectivePlanSimulatorTests.Directive003)]
    [InlineData(DirectivePlanSimulatorTests.Directive004)]
    public void The_recorded_service_writes_every_metric_the_shipped_plans_query(string file)
    {
        var plan = PlanParser.Parse(RolloutTestHost.PlanText(file), file).Plan!;
        var named = plan.Metrics.SelectMany(m => m.Queries.Values.Concat(m.OverallQueries.Values)).SelectMany(q => SelectorName().Matches(q).Select(match => match.Groups[1].Value)).ToHashSet();

        Assert.Empty(named.Except(ServiceSeries.MetricNames));
    }

    [Fact]
    public async Task A_healthy_service_walks_the_fast_plan_to_completion_with_every_series_read()
    {
        var run = await RunAsync("directive-004-ramp-1-10-25-50-100.yaml", hours: 4);
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.Completed, Explain(run));
        Assert.Equal(4, run.Decisions.Count(d => d.Kind == RolloutCommand.Advance));
        Assert.DoesNotContain(run.Decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
        // Every read answered: the overall P95 and each journey came from Prometheus, none was NO DATA.
        Assert.All(run.Polls, p => Assert.Empty(p.Problems));
        var overallP95 = Assert.Single(run.Host.Published.All.Last(s => s.Verdict is not null).Verdict!.Gates, g => g.Key == "p95-target");
        Assert.NotEqual(GateStatus.NoData, overallP95.Status);
        Assert.InRange(overallP95.Canary!.Value, 80, 120);
    }

    [Theory]
    [InlineData(Regression.Latency, "P95 SLO breach")]
    [InlineData(Regression.Errors, "5xx error rate > 0.5% for 5 minutes")]
    [InlineData(Regression.Payments, "Payments E2E < 99.5% for 5 minutes")]
    [InlineData(Regression.Cache, "Cache hit < 85% for 10 minutes")]
    [InlineData(Regression.Database, "DB saturation > 80% for 10 minutes")]
    [InlineData(Regression.CacheWithLatency, "Cache hit < 85% with user-visible latency")]
    [InlineData(Regression.DatabaseSpillover, "DB saturation > 80% with spillover risk")]
    [InlineData(Regression.Cost, "for 15 minutes")]
    public async Task A_regression_in_the_canary_rolls_the_fast_plan_back_automatically(Regression regression, string trigger)
    {
        var run = await RunAsync("directive-004-ramp-1-10-25-50-100.yaml", regression, TimeSpan.FromMinutes(20), hours: 1.5);
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.RolledBack, Explain(run));
        var rollback = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal(RolloutActor.AutomaticName, rollback.Actor);
        Assert.True(rollback.Reason!.Contains(trigger, StringComparison.Ordinal), rollback.Reason);
    }

    [Theory]
    [InlineData(DirectivePlanSimulatorTests.Directive001, 6.5)]
    [InlineData(DirectivePlanSimulatorTests.Directive002, 10.5)]
    [InlineData(DirectivePlanSimulatorTests.Directive003, 7)]
    public async Task A_healthy_service_walks_the_directive_plan_to_completion_on_prometheus(string plan, double hours)
    {
        var run = await RunAsync(plan, hours: hours, pollEveryMinutes: 15);
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.Completed, Explain(run));
        Assert.Equal(RolloutTestHost.PlanPhases(plan) - 1, run.Decisions.Count(d => d.Kind == RolloutCommand.Advance));
        Assert.DoesNotContain(run.Decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
        Assert.All(run.Polls, p => Assert.Empty(p.Problems));
        // The error-budget and payment-cap triggers watched every minute and stayed quiet on a healthy service.
        Assert.Empty(run.Fired);
        Assert.All(run.Host.Published.All.Last(s => s.Verdict is not null).Verdict!.Budgets, budget => Assert.InRange(budget.SpentPercent!.Value, 0.1m, 2m));
    }

    [Theory]
    [InlineData(DirectivePlanSimulatorTests.Directive000, Regression.Latency, "P95 SLO breach (> 120 ms) for 30 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive000, Regression.Errors, "5xx rate > 0.5% for 30 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive001, Regression.Latency, "ms for 10 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive001, Regression.Errors, "5xx >= 0.5% for 10 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive002, Regression.Latency, "ms for 5 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive002, Regression.Errors, "5xx > 1.0% for 5 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive003, Regression.Latency, "P95 > 120 ms on a critical journey")]
    [InlineData(DirectivePlanSimulatorTests.Directive003, Regression.Errors, "5xx error rate > 0.5% for 5 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive003, Regression.Payments, "Payments E2E < 99.5% for 5 minutes")]
    [InlineData(DirectivePlanSimulatorTests.Directive003, Regression.Cache, "Cache hit < 85% for 10 minutes")]
    public async Task A_regression_in_the_first_phase_rolls_the_directive_plan_back_on_prometheus(string plan, Regression regression, string trigger)
    {
        var run = await RunAsync(plan, regression, TimeSpan.FromMinutes(20), hours: 1.5);
        await using var _ = run.Host;

        Assert.True((run.Rollout.Status, run.Rollout.PhaseIndex) == (RolloutStatus.RolledBack, 0), Explain(run));
        var rollback = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.True(rollback.Reason!.Contains(trigger, StringComparison.Ordinal), rollback.Reason);
    }

    /// <summary>
    /// Directive 000 end to end on Prometheus, its windows shortened (soak 30m/15m/30m, canary 30m each, stabilisation
    /// 30m; the shipped plan runs 72 h of soak and 24 h of stabilisation): the soak exit triggers — cumulative 5xx,
    /// budget burn 2%/1h, 5%/6h and 10% over the rollout, scale thrash — watch a healthy service and stay quiet.
    /// </summary>
    [Fact]
    public async Task A_healthy_service_walks_directive_000_on_prometheus_with_its_soak_exit_triggers_quiet()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive000, hours: 3.25, pollEveryMinutes: 5,
            editPlan: text => DirectivePlanSimulatorTests.Shorten000(text, "30m", "15m", "30m", "30m", canary: "30m"));
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.Completed, Explain(run));
        Assert.Equal(5, run.Decisions.Count(d => d.Kind == RolloutCommand.Advance));
        Assert.All(run.Polls, p => Assert.Empty(p.Problems));
        Assert.Empty(run.Fired);
        foreach (var key in new[] { "cumulative-5xx", "budget-fast", "budget-slow", "budget-sustained", "scale-thrash" })
        {
            Assert.NotEqual(TriggerState.Fired, run.Trigger(key).State);
        }
    }

    /// <summary>
    /// 5xx in bursts (2 minutes at 30% every 12) never stay over 0.5% for 30 minutes, but they are 5xx minutes and they
    /// burn the budget at ~50×: the sixth 5xx minute of the soak holds it (cumulative 5xx ≤ 5 minutes), and the 2%/1h and
    /// 5%/6h burn alerts fire on the minute the long window passes its share with the short window confirming.
    /// </summary>
    [Fact]
    public async Task Error_bursts_in_the_soak_fire_directive_000s_cumulative_5xx_and_both_burn_rate_alerts()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive000, Regression.ErrorBursts, TimeSpan.FromMinutes(20), hours: 1.75);
        await using var _ = run.Host;

        Assert.True((run.Rollout.Status, run.Rollout.PhaseIndex) == (RolloutStatus.Held, 0), Explain(run));
        var hold = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.Hold);
        Assert.Contains("Cumulative 5xx over 5 minutes in the phase", hold.Reason);
        Assert.DoesNotContain(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        var cumulative = run.Trigger("cumulative-5xx");
        Assert.InRange(cumulative.FiredAt!.Value, run.Start.AddMinutes(24), run.Start.AddMinutes(30));
        // 2% of a 30-day budget is 864 minutes of burn: three bursts (~600 each) in the hour; 5% (2,160) takes four.
        var fast = run.Trigger("budget-fast");
        Assert.True(fast.State == TriggerState.Fired, Explain(run) + "\n" + fast.Reason);
        Assert.InRange(fast.FiredAt!.Value, run.Start.AddMinutes(32), run.Start.AddMinutes(48));
        var slow = run.Trigger("budget-slow");
        Assert.True(slow.State == TriggerState.Fired, Explain(run) + "\n" + slow.Reason);
        Assert.InRange(slow.FiredAt!.Value, fast.FiredAt!.Value, run.Start.AddMinutes(75));
        Assert.NotEqual(TriggerState.Fired, run.Trigger("scale-thrash").State);
    }

    [Fact]
    public async Task An_autoscaler_that_flaps_fires_directive_000s_thrash_trigger()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive000, Regression.ScaleThrash, TimeSpan.FromMinutes(20), hours: 1);
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.Held, Explain(run) + "\n" + run.Trigger("scale-thrash").Reason);
        Assert.Contains("No thrashing (more than 3 scale events in 10 minutes)", Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.Hold).Reason);
        // One event a minute from T+20: the fourth is more than 3 in 10 minutes.
        Assert.InRange(run.Trigger("scale-thrash").FiredAt!.Value, run.Start.AddMinutes(22), run.Start.AddMinutes(26));
    }

    /// <summary>
    /// Directive 001's "SLO error-budget burn >10% in rollout window": bursts too short for any 10-minute trigger spend
    /// 10% of the monthly budget (4,320 minutes of burn) in about seven bursts, and the rollout rolls back on it.
    /// </summary>
    [Fact]
    public async Task Error_bursts_roll_directive_001_back_on_its_rollout_window_budget()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive001, Regression.ErrorBursts, TimeSpan.FromMinutes(20), hours: 2.25);
        await using var _ = run.Host;

        Assert.True((run.Rollout.Status, run.Rollout.PhaseIndex) == (RolloutStatus.RolledBack, 0), Explain(run));
        var rollback = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Contains("Error budget burn > 10% of the monthly budget in the rollout window", rollback.Reason);
        Assert.InRange(run.Trigger("budget-rollout").FiredAt!.Value, run.Start.AddMinutes(90), run.Start.AddMinutes(125));
        Assert.DoesNotContain("errors-5xx", run.Fired);
    }

    /// <summary>
    /// Directive 003's "error budget burn >5% daily": 5xx steady at 0.45% stays under every 0.5% limit but burns a
    /// 99.9% budget at 4.5×; 5% of the 30-day budget (2,160 minutes of burn) is spent about 8 hours after T-0 (the
    /// 24-hour window also holds the hour recorded before T-0, burning at 1.2×: (2,160 − 72 − 24) / 4.5 ≈ 459 minutes
    /// from T+20).
    /// The rollout is kept at 5% (no automatic advance) so it is still running when the budget runs out.
    /// </summary>
    [Fact]
    public async Task A_slow_burn_under_every_threshold_rolls_directive_003_back_on_its_daily_budget()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive003, Regression.SlowBurn, TimeSpan.FromMinutes(20), hours: 9, pollEveryMinutes: 15, autoAdvance: false);
        await using var _ = run.Host;

        Assert.True(run.Rollout.Status == RolloutStatus.RolledBack, Explain(run));
        var rollback = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Contains("Error budget burn > 5% daily", rollback.Reason);
        Assert.InRange(run.Trigger("budget-daily").FiredAt!.Value, run.Start.AddMinutes(470), run.Start.AddMinutes(500));
        Assert.DoesNotContain("error-rate", run.Fired);
    }

    /// <summary>
    /// Directive 002's "> 5 consecutive failures" on whole events read from counters: six canary payment attempts fail
    /// over two scrapes (three, then three) with no success around them. Read with a per-minute difference of the
    /// counter (not increase(), which extrapolates), the two minutes count 3 and 3, the run carries over and the
    /// sixth failure rolls back — before any 5-minute ratio trigger could.
    /// </summary>
    [Fact]
    public async Task Six_payment_failures_in_a_row_roll_directive_002_back_on_whole_events_read_from_a_counter()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive002, Regression.PaymentFailureRun, TimeSpan.FromMinutes(20), hours: 0.75);
        await using var _ = run.Host;

        Assert.True((run.Rollout.Status, run.Rollout.PhaseIndex) == (RolloutStatus.RolledBack, 0), Explain(run));
        var rollback = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Contains("More than 5 consecutive payment failures", rollback.Reason);
        Assert.Contains("6 consecutive failed payment attempts (more than 5)", rollback.Reason);
        Assert.InRange(run.Trigger("payment-failure-run").FiredAt!.Value, run.Start.AddMinutes(19), run.Start.AddMinutes(22));
        Assert.Equal(new HashSet<string> { "payment-failure-run" }, run.Fired);
        // Every minute read a whole number of attempts (the control takes about 3 payments a minute).
        var counts = run.Host.Published.Latest!.Panels.SelectMany(p => p.Metrics).Where(m => m.Key is "payment_failures_count" or "payment_successes_count").ToList();
        Assert.Equal(2, counts.Count);
        var points = counts.SelectMany(m => m.ControlSeries.Concat(m.CanarySeries)).Select(p => p.Value).ToList();
        Assert.NotEmpty(points);
        Assert.All(points, v => Assert.Equal(Math.Round(v), v));
        Assert.Contains(points, v => v >= 2);
    }

    /// <summary>Directive 004: "$20 max/tx" enforced for the whole canary: a $25 payment at 10% holds the rollout.</summary>
    [Fact]
    public async Task A_25_dollar_transaction_at_10_percent_holds_directive_004_on_its_payment_cap()
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive004, hours: 1, largeTransactionAfter: TimeSpan.FromMinutes(25));
        await using var _ = run.Host;

        Assert.True((run.Rollout.Status, run.Rollout.PhaseIndex) == (RolloutStatus.Held, 1), Explain(run));
        var hold = Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.Hold);
        Assert.Contains("Payment cap: a transaction over $20", hold.Reason);
        Assert.Contains("a transaction of $25", hold.Reason);
        var caps = run.Host.Published.Latest!.PaymentCaps!;
        Assert.Equal((25m, true, false), (caps.LargestTransaction, caps.Exceeded, caps.Lifted));
    }

    /// <summary>
    /// Directive 002: "maintain the same caps through 25%; unlock normal volume at 50%". The advance to 50% asks the
    /// deploy system to lift the caps; once it acknowledged, a $25 payment at 50% is normal volume. With no deploy system
    /// the lift is pending, the caps still hold and the same payment holds the rollout.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_25_dollar_transaction_at_50_percent_is_allowed_only_once_the_lift_was_acknowledged(bool deploySystem)
    {
        var run = await RunAsync(DirectivePlanSimulatorTests.Directive002, hours: 4.75, pollEveryMinutes: 15, largeTransactionAfter: TimeSpan.FromMinutes(250), deploySystem: deploySystem);
        await using var _ = run.Host;

        Assert.True(run.Rollout.PhaseIndex == 2, Explain(run));
        var caps = run.Host.Published.Latest!.PaymentCaps!;
        Assert.Equal(25m, caps.LargestTransaction);
        if (deploySystem)
        {
            Assert.True(run.Rollout.Status == RolloutStatus.Running, Explain(run));
            Assert.DoesNotContain(run.Decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
            Assert.Equal((true, false), (caps.Lifted, caps.LiftPending));
            Assert.Equal(TriggerState.Stopped, run.Trigger("cap-per-transaction").State);
        }
        else
        {
            Assert.True(run.Rollout.Status == RolloutStatus.Held, Explain(run));
            Assert.Contains("Payment cap: a transaction over $20", Assert.Single(run.Decisions, d => d.Kind == RolloutCommand.Hold).Reason);
            Assert.Equal((false, true), (caps.Lifted, caps.LiftPending));
        }
    }
}
