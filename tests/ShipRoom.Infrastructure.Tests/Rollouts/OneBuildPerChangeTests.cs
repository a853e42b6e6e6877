using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// Poll → judge → act → build once → publish once: a poll, a person's command and an automatic command each build the
/// rollout's snapshot once and hand it to viewers once, whoever acts.
/// </summary>
public sealed class OneBuildPerChangeTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static (long Builds, int Published) Count(RolloutTestHost host) => (host.Get<SnapshotBuilder>().Builds, host.Published.All.Count);

    [Fact]
    public async Task A_poll_that_changes_nothing_builds_and_publishes_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        var before = Count(host);

        await host.Poller.PollAsync(id, Ct);

        Assert.Equal((before.Builds + 1, before.Published + 1), Count(host));
    }

    [Fact]
    public async Task A_person_s_command_builds_and_publishes_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        await host.Poller.PollAsync(id, Ct);
        var before = Count(host);

        var result = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Hold, RolloutTestHost.IncidentCommander, "looking at checkout"), Ct);

        Assert.Equal(CommandStatus.Executed, result.Status);
        await result.Published;
        Assert.Equal((before.Builds + 1, before.Published + 1), Count(host));
    }

    [Fact]
    public async Task A_poll_whose_trigger_rolls_back_builds_and_publishes_once_for_the_poll_and_the_rollback_together()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync("payment-failures", 0);
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(6));
        var before = Count(host);

        var outcome = await host.Poller.PollAsync(id, Ct);

        Assert.Equal(RolloutStatus.RolledBack, outcome.Snapshot!.Status);
        Assert.Equal((before.Builds + 1, before.Published + 1), Count(host));
        Assert.Same(outcome.Snapshot, host.Published.Latest);
    }

    [Fact]
    public async Task An_automatic_advance_judges_with_the_poll_s_verdict_and_builds_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(autoAdvance: true);
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(15));
        var before = Count(host);

        var outcome = await host.Poller.PollAsync(id, Ct);

        Assert.Equal((RolloutStatus.Running, 1), (outcome.Snapshot!.Status, outcome.Snapshot.PhaseIndex));
        Assert.Equal((before.Builds + 1, before.Published + 1), Count(host));
    }
}
