using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using static ShipRoom.Infrastructure.Tests.Reports.LiveAndReplay;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>The healthy demo rollout replayed from its archive: every advance and the completion at the live run's minutes.</summary>
public sealed class HealthyReplayTests
{
    [Fact]
    public async Task The_replay_of_the_healthy_demo_rollout_advances_and_completes_as_the_live_run_did()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync("healthy", autoAdvance: true);

        await RunLiveAsync(host, id, maxMinutes: 400);

        var live = await AutomaticDecisionsAsync(host, id);
        Assert.Equal(["advance", "advance", "advance", "advance", "complete"], live.Select(d => d.Kind));
        await AssertReplayMatchesAsync(host, id);
    }
}
