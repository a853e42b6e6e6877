using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// Each simulator scenario, run through the poller and the engine with the 1% → 10% → 25% → 50% → 100% plan and
/// automatic advancing (as the demo does), ends where the directives say it must.
/// </summary>
public sealed class SimulatorScenarioTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<(RolloutTestHost Host, long Id)> RunAsync(string scenario, int scenarioPhase, int maxMinutes = 300)
    {
        var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(scenario, scenarioPhase, autoAdvance: true);
        for (var minute = 0; minute < maxMinutes; minute += 5)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            if (RolloutStateMachine.IsFinished((await host.Database.Rollouts.GetAsync(id, Ct))!.Status))
            {
                break;
            }
        }

        return (host, id);
    }

    /// <summary>The canary judgement is never PASS beside a RED gate on any snapshot a viewer saw.</summary>
    private static void NeverPassBesideRed(RolloutTestHost host) =>
        Assert.All(host.Published.All.Where(s => s.Verdict is not null), s => Assert.False(
            s.Verdict!.Judgement.Classification == Core.Judgement.ScoreClassification.Pass && s.Verdict.Gates.Any(g => g.Status == GateStatus.Red),
            $"PASS beside RED at {s.Now:HH:mm}: {s.Verdict.Judgement.Summary}; {string.Join("; ", s.Verdict.Gates.Where(g => g.Status == GateStatus.Red).Select(g => g.Reason))}"));

    private static async Task<List<DecisionRecord>> DecisionsAsync(RolloutTestHost host, long id) =>
        (await host.Database.Decisions.ListAsync(id, 100, Ct)).Where(d => d.Outcome == DecisionOutcome.Executed).ToList();

    [Fact]
    public async Task Healthy_walks_every_phase_and_completes_after_stabilising_at_100_percent()
    {
        var (host, id) = await RunAsync("healthy", 0);
        await using var _ = host;

        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        var decisions = await DecisionsAsync(host, id);
        Assert.True(rollout!.Status == RolloutStatus.Completed, string.Join("\n", host.Published.Latest!.Verdict!.Recommendation.Reasons));
        Assert.Equal(4, rollout.PhaseIndex);
        Assert.Equal(4, decisions.Count(d => d.Kind == RolloutCommand.Advance));
        Assert.Single(decisions, d => d.Kind == RolloutCommand.Complete);
        Assert.DoesNotContain(decisions, d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
        // 50% -> 100% is auto-approved on a healthy run: nobody had to sign, and the reason says so.
        var toFull = Assert.Single(decisions, d => d.Kind == RolloutCommand.Advance && d.ToStatus!.EndsWith("at 100%", StringComparison.Ordinal));
        Assert.Equal(RolloutActor.AutomaticName, toFull.Actor);
        Assert.Contains("auto-approved", toFull.Reason);
        Assert.DoesNotContain(decisions, d => d.Kind == RolloutCommand.Approve);
        Assert.All(host.Published.All.Where(s => s.Verdict is not null), s => Assert.NotEqual(Core.Judgement.ScoreClassification.Fail, s.Verdict!.Judgement.Classification));
    }

    [Fact]
    public async Task Latency_regression_at_50_percent_holds_on_the_journey_trigger_then_rolls_back_on_the_slo()
    {
        var (host, id) = await RunAsync("latency-regression", 3);
        await using var _ = host;

        var decisions = await DecisionsAsync(host, id);
        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        Assert.Equal((RolloutStatus.RolledBack, "50%"), (rollout!.Status, (await host.Snapshots.BuildAsync(id, Ct))!.CurrentPhase.Name));
        Assert.Contains(decisions, d => d.Kind == RolloutCommand.Hold && d.Reason!.Contains("P95 > 120 ms on a critical journey", StringComparison.Ordinal));
        var rollback = Assert.Single(decisions, d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal(RolloutActor.AutomaticName, rollback.Actor);
        Assert.Contains("P95 SLO breach", rollback.Reason);
        Assert.Contains(host.Published.All, s => s.Verdict?.Recommendation.Kind == RecommendationKind.Rollback);
        NeverPassBesideRed(host);
    }

    [Theory]
    [InlineData("payment-failures", "Payments E2E < 99.5% for 5 minutes")]
    // The scenario's P95 ×1.1 puts checkout over 120 ms in some minutes: directive 004's combined trigger fires first.
    [InlineData("cache-regression", "Cache hit < 85% with user-visible latency")]
    [InlineData("cost-drift", "Cost per user more than 5% over control for 15 minutes")]
    public async Task Each_fault_at_25_percent_rolls_back_on_its_own_trigger(string scenario, string trigger)
    {
        var (host, id) = await RunAsync(scenario, 2);
        await using var _ = host;

        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        var rollback = Assert.Single(await DecisionsAsync(host, id), d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal((RolloutStatus.RolledBack, 2), (rollout!.Status, rollout.PhaseIndex));
        Assert.True(rollback.Reason!.Contains(trigger, StringComparison.Ordinal), rollback.Reason);
        NeverPassBesideRed(host);
    }

    [Fact]
    public async Task Flapping_never_fires_a_trigger_and_never_advances_past_its_phase()
    {
        var (host, id) = await RunAsync("flapping", 2, maxMinutes: 120);
        await using var _ = host;

        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        Assert.Equal((RolloutStatus.Running, 2), (rollout!.Status, rollout.PhaseIndex));
        Assert.DoesNotContain(await DecisionsAsync(host, id), d => d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack);
        Assert.All(host.Published.All.Where(s => s.PhaseIndex == 2 && s.Verdict is not null), s => Assert.NotEqual(RecommendationKind.Go, s.Verdict!.Recommendation.Kind));
        NeverPassBesideRed(host);
    }

    [Fact]
    public async Task A_data_gap_is_no_data_never_green_and_recommends_hold()
    {
        var (host, id) = await RunAsync("data-gap", 2, maxMinutes: 120);
        await using var _ = host;

        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        Assert.Equal((RolloutStatus.Running, 2), (rollout!.Status, rollout.PhaseIndex));
        Assert.Contains(host.Published.All, s => s.Verdict is { Overall: GateStatus.NoData, Recommendation.Kind: RecommendationKind.Hold });
        Assert.Contains(host.Published.All, s => s.Verdict?.Recommendation.Reasons.Any(r => r.Contains("NO DATA for", StringComparison.Ordinal)) == true);
        NeverPassBesideRed(host);
    }
}
