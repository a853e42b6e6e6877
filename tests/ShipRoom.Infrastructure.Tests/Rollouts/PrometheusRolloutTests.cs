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

    private sealed record Run(RolloutTestHost Host, long Id, RolloutRecord Rollout, List<DecisionRecord> Decisions, List<PollOutcome> Polls);

    /// <summary>
    /// Records <paramref name="hours"/> of the service (plus an hour of history before T-0, for rate windows and the
    /// control's sigma history), ending at least 90 minutes ago so promtool's blocks lie behind the server's head, and
    /// polls the rollout every 5 minutes of its clock until it finishes or the recording ends.
    /// </summary>
    private static async Task<Run> RunAsync(string plan, Regression regression = Regression.None, TimeSpan? regressionAfter = null, double hours = 4, int pollEveryMinutes = 5)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60).AddMinutes(-90);
        var start = end.AddHours(-hours);
        var series = new ServiceSeries { From = start.AddHours(-1), To = end, Regression = regression, RegressionFrom = start + (regressionAfter ?? TimeSpan.Zero) };
        await using var prometheus = await RecordedPrometheus.StartAsync(series, Ct);
        var host = await RolloutTestHost.CreateAsync(new SqliteEngine(), start, new Dictionary<string, string?> { ["ShipRoom:Prometheus:BaseUrl"] = prometheus.BaseUrl.ToString() });
        var id = await host.StartPrometheusRolloutAsync(plan);
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
        return new Run(host, id, (await host.Database.Rollouts.GetAsync(id, Ct))!, decisions, polls);
    }

    private static string Explain(Run run) =>
        $"status {run.Rollout.Status} at phase {run.Rollout.PhaseIndex}; decisions: {string.Join(" | ", run.Decisions.Select(d => $"{d.Kind} {d.Reason}"))}\n" +
        $"problems: {string.Join("\n", run.Polls.SelectMany(p => p.Problems).Distinct().Take(10))}\n" +
        $"reasons: {string.Join("\n", run.Host.Published.Latest?.Verdict?.Recommendation.Reasons ?? [])}";

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
}
