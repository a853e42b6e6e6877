using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// The five directive plans in plans/, each run by the poller on the simulator with automatic advancing: a healthy
/// service walks every phase (soak, synthetic and traffic phases alike) to completion; a regression rolls it back
/// automatically on the directive's own trigger.
/// </summary>
public sealed class DirectivePlanSimulatorTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public const string Directive000 = "directive-000-staging-soak-then-10-50-100.yaml";
    public const string Directive001 = "directive-001-synthetic-then-5-25-100.yaml";
    public const string Directive002 = "directive-002-phased-canary-5-25-50-100.yaml";
    public const string Directive003 = "directive-003-authorization-5-25-50-100.yaml";
    public const string Directive004 = "directive-004-ramp-1-10-25-50-100.yaml";

    private static async Task<(RolloutTestHost Host, long Id, RolloutRecord Rollout, List<DecisionRecord> Decisions)> RunAsync(string plan, string scenario, int maxHours, Func<string, string>? editPlan = null, int scenarioPhase = 0)
    {
        // A deploy system that acknowledges: directive 002's caps are lifted on leaving 25% only once one has.
        var host = await RolloutTestHost.CreateAsync(new SqliteEngine(), new RecordingDeploySystem());
        var id = await host.StartRolloutAsync(scenario, scenarioPhase, autoAdvance: true, plan: plan, editPlan: editPlan);
        // Polls every 30 minutes of the rollout's clock: each poll still judges every minute it brings.
        for (var minute = 0; minute < maxHours * 60; minute += 30)
        {
            host.Time.Advance(TimeSpan.FromMinutes(30));
            await host.Poller.PollAsync(id, Ct);
            if (RolloutStateMachine.IsFinished((await host.Database.Rollouts.GetAsync(id, Ct))!.Status))
            {
                break;
            }
        }

        var decisions = (await host.Database.Decisions.ListAsync(id, 200, Ct)).Where(d => d.Outcome == DecisionOutcome.Executed).ToList();
        return (host, id, (await host.Database.Rollouts.GetAsync(id, Ct))!, decisions);
    }

    [Theory]
    [InlineData(Directive001, 8)]
    [InlineData(Directive002, 12)]
    [InlineData(Directive003, 9)]
    [InlineData(Directive004, 6)]
    public async Task A_healthy_service_walks_every_phase_of_the_directive_plan_to_completion(string plan, int maxHours)
    {
        var (host, _, rollout, decisions) = await RunAsync(plan, "healthy", maxHours);
        await using var _ = host;

        var phases = RolloutTestHost.PlanPhases(plan);
        Assert.True(rollout.Status == RolloutStatus.Completed,
            $"{rollout.Status} at phase {rollout.PhaseIndex}: {string.Join("\n", host.Published.Latest?.Verdict?.Recommendation.Reasons ?? [])}");
        Assert.Equal(phases - 1, decisions.Count(d => d.Kind == RolloutCommand.Advance));
        Assert.DoesNotContain(decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
    }

    /// <summary>
    /// Directive 000 as written soaks for 72 hours and stabilises for 24: judged minute by minute that is ~100 hours of
    /// samples, too long for the suite. Its soak windows and stabilisation are shortened here (24h→60m, 2h→30m,
    /// 46h→60m, 24h→2h); phases, kinds, gates, triggers and the auto-approved Go/No-Go are the shipped ones.
    /// </summary>
    [Fact]
    public async Task A_healthy_service_walks_the_soaks_the_go_no_go_and_the_canary_of_directive_000_with_its_windows_shortened()
    {
        static string Shorten(string text) => Shorten000(text, "60m", "30m", "60m", "2h");
        Assert.NotEqual(RolloutTestHost.PlanText(Directive000), Shorten(RolloutTestHost.PlanText(Directive000)));

        var (host, _, rollout, decisions) = await RunAsync(Directive000, "healthy", 12, Shorten);
        await using var _ = host;

        Assert.True(rollout.Status == RolloutStatus.Completed,
            $"{rollout.Status} at phase {rollout.PhaseIndex}: {string.Join("\n", host.Published.Latest?.Verdict?.Recommendation.Reasons ?? [])}");
        Assert.Equal(5, decisions.Count(d => d.Kind == RolloutCommand.Advance));
        var goNoGo = Assert.Single(decisions, d => d.Kind == RolloutCommand.Advance && d.ToStatus!.EndsWith("at 10%", StringComparison.Ordinal));
        Assert.Contains("auto-approved", goNoGo.Reason);
        Assert.DoesNotContain(decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
    }

    /// <summary>Directive 000's plan with its soak windows and its stabilisation (and the 100% window) shortened; nothing else changes.</summary>
    internal static string Shorten000(string text, string soak, string soak2x, string drills, string stabilisation, string? canary = null)
    {
        var shortened = text
            .Replace("soak: { load: 1.5x, for: 24h }", $"soak: {{ load: 1.5x, for: {soak} }}", StringComparison.Ordinal)
            .Replace("soak: { load: 2x, for: 2h }", $"soak: {{ load: 2x, for: {soak2x} }}", StringComparison.Ordinal)
            .Replace("soak: { load: 1.5x, for: 46h }", $"soak: {{ load: 1.5x, for: {drills} }}", StringComparison.Ordinal)
            .Replace("stabilisation: 24h", $"stabilisation: {stabilisation}", StringComparison.Ordinal)
            .Replace("    observe: 24h", $"    observe: {stabilisation}", StringComparison.Ordinal);
        return canary is null ? shortened : shortened.Replace("    observe: 2h", $"    observe: {canary}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Directive000, "latency-regression", "P95 SLO breach (> 120 ms) for 30 minutes")]
    [InlineData(Directive001, "error-spike", "5xx >= 0.5% for 10 minutes")]
    [InlineData(Directive002, "error-spike", "5xx > 1.0% for 5 minutes")]
    [InlineData(Directive003, "latency-regression", "P95 > 120 ms on a critical journey")]
    [InlineData(Directive004, "error-spike", "5xx error rate > 0.5% for 5 minutes")]
    public async Task A_regression_in_the_first_phase_rolls_the_directive_plan_back_on_its_own_trigger(string plan, string scenario, string trigger)
    {
        var (host, _, rollout, decisions) = await RunAsync(plan, scenario, 3);
        await using var _ = host;

        Assert.Equal((RolloutStatus.RolledBack, 0), (rollout.Status, rollout.PhaseIndex));
        var rollback = Assert.Single(decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal(RolloutActor.AutomaticName, rollback.Actor);
        Assert.True(rollback.Reason!.Contains(trigger, StringComparison.Ordinal), rollback.Reason);
    }

    /// <summary>
    /// The cap usage the dashboard shows is every canary transaction and dollar stored since the rollout began, summed
    /// here from the stored samples: what the snapshot reads from the judged window must agree with the database.
    /// </summary>
    [Fact]
    public async Task The_payment_cap_usage_shown_counts_every_canary_payment_stored_since_the_rollout_began()
    {
        var (host, id, _, _) = await RunAsync(Directive004, "healthy", 2);
        await using var _ = host;

        var snapshot = host.Published.Latest!;
        var caps = snapshot.PaymentCaps!;
        var started = snapshot.Phases[0].StartedAt!.Value;
        var stored = (await host.Database.Samples.ReadAsync(id, started, snapshot.Now, Ct))
            .Where(s => s.Cohort == Core.Metrics.Cohort.Canary && s.Journey is null && double.IsFinite(s.Value)).ToList();
        var transactions = stored.Where(s => s.MetricKey == "payment_transactions_count").Sum(s => (decimal)s.Value);
        var dollars = stored.Where(s => s.MetricKey == "payment_dollars_total").Sum(s => (decimal)s.Value);

        Assert.True(transactions > 0 && dollars > 0, $"{transactions} transactions, ${dollars}");
        Assert.Equal(((int)Math.Round(transactions), Math.Round(dollars, 2)), (caps.Transactions, caps.Dollars));
    }

    /// <summary>
    /// "$20 max/tx": $25 payments from 10% hold directive 004 (its caps hold for the whole rollout); the same payments
    /// from 50% in directive 002, whose caps were lifted on leaving 25% (the deploy system acknowledged), are normal volume.
    /// </summary>
    [Theory]
    [InlineData(Directive004, 1, true)]
    [InlineData(Directive002, 2, false)]
    public async Task Payments_over_20_dollars_hold_the_rollout_only_where_the_caps_still_hold(string plan, int fromPhase, bool holds)
    {
        var (host, _, rollout, decisions) = await RunAsync(plan, "payment-cap-breach", 12, scenarioPhase: fromPhase);
        await using var _ = host;

        var caps = host.Published.Latest!.PaymentCaps!;
        Assert.Equal(25m, caps.LargestTransaction);
        if (holds)
        {
            Assert.Equal((RolloutStatus.Held, fromPhase), (rollout.Status, rollout.PhaseIndex));
            Assert.Contains("Payment cap: a transaction over $20", Assert.Single(decisions, d => d.Kind == RolloutCommand.Hold).Reason);
        }
        else
        {
            Assert.Equal(RolloutStatus.Completed, rollout.Status);
            Assert.DoesNotContain(decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
            Assert.True(caps.Lifted);
        }
    }
}
