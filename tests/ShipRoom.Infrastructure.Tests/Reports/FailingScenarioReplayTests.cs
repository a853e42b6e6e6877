using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using static ShipRoom.Infrastructure.Tests.Reports.LiveAndReplay;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>
/// Each failing simulator scenario replayed from its archive: its holds and rollbacks at the live run's minutes. The
/// flapping and data-gap scenarios never end; they are replayed up to where the live run stopped.
/// </summary>
public sealed class FailingScenarioReplayTests
{
    [Theory]
    [InlineData("latency-regression", 3, 300, "rollback")]
    [InlineData("payment-failures", 2, 120, "rollback")]
    [InlineData("cache-regression", 2, 120, "rollback")]
    [InlineData("cost-drift", 2, 120, "rollback")]
    [InlineData("flapping", 2, 75, "advance")]
    [InlineData("data-gap", 2, 75, "advance")]
    public async Task The_replay_of_a_failing_demo_rollout_decides_as_the_live_run_did(string scenario, int scenarioPhase, int maxMinutes, string lastDecision)
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(scenario, scenarioPhase, autoAdvance: true);

        await RunLiveAsync(host, id, maxMinutes);

        // The live run did what the scenario makes it do, so the comparison is never between two empty timelines.
        var live = await AutomaticDecisionsAsync(host, id);
        Assert.True(live.Count > 0 && live[^1].Kind == lastDecision, string.Join("\n", live.Select(d => $"{d.Minute:HH:mm} {d.Kind}: {d.Reason}")));
        await AssertReplayMatchesAsync(host, id);
    }
}
