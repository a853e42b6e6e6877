using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Components;

namespace ShipRoom.Web.Tests.Live;

/// <summary>The rollout list reads storage, so a rollout this instance holds no snapshot of is still listed.</summary>
public sealed class RolloutDirectoryTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_stored_rollout_is_listed_newest_first_whether_or_not_the_store_holds_it()
    {
        await using var app = await LiveApp.CreateAsync(new Dictionary<string, string?> { ["ShipRoom:Live:FinishedRolloutsKept"] = "0" });
        var finished = await app.StartRolloutAsync();
        await app.Get<RolloutCommandService>().ExecuteAsync(new(finished, RolloutCommand.RollBack, new("ic", [Roles.IncidentCommander]), "bad canary"), Ct);
        var live = await app.StartRolloutAsync();
        var store = app.Get<RolloutSnapshotStore>();
        Assert.Null(store.Get(finished));

        var rows = await app.Get<RolloutDirectory>().ListAsync(Ct);

        Assert.Equal([live, finished], rows.Select(r => r.Id));
        var stored = rows[1];
        Assert.Null(stored.Snapshot);
        Assert.Contains(stored.Status, new[] { RolloutStatus.RollingBack, RolloutStatus.RolledBack });
        Assert.Equal(("1%", 0, 5), (stored.Phase, stored.PhaseIndex, stored.PhaseCount));
        Assert.False(string.IsNullOrEmpty(stored.Version));
        // A live rollout is listed from the snapshot the store holds for every viewer.
        Assert.NotNull(rows[0].Snapshot);
        Assert.Same(rows[0].Snapshot, store.Get(live));
    }

    [Fact]
    public async Task Listing_again_reads_the_held_snapshot_instead_of_building_it_again()
    {
        await using var app = await LiveApp.CreateAsync();
        var id = await app.StartRolloutAsync();
        await app.Get<RolloutPoller>().PollAsync(id, Ct);
        var builder = app.Get<Infrastructure.Rollouts.Snapshots.SnapshotBuilder>();
        var builds = builder.Builds;

        var first = await app.Get<RolloutDirectory>().ListAsync(Ct);
        var second = await app.Get<RolloutDirectory>().ListAsync(Ct);

        Assert.Equal(builds, builder.Builds);
        Assert.Same(first.Single().Snapshot, second.Single().Snapshot);
    }

    [Fact]
    public void Merge_puts_held_snapshots_in_place_of_their_rows_and_adds_rollouts_created_since()
    {
        var fromStorage = new[]
        {
            new RolloutListRow(5, "Search", "v5", "abc", RolloutStatus.Completed, "100%", 1, 2, null),
            new RolloutListRow(7, "Checkout v2", "v20261125.1", "3f6c", RolloutStatus.Scheduled, "1%", 0, 2, null),
        };
        var seven = TestSnapshots.Snapshot(null) with { Id = 7, Status = RolloutStatus.Held };
        var nine = TestSnapshots.Snapshot(null) with { Id = 9 };

        var merged = RolloutDirectory.Merge(fromStorage, [seven, nine]);

        Assert.Equal([9L, 7, 5], merged.Select(r => r.Id));
        Assert.Equal((RolloutStatus.Held, (object?)seven), (merged[1].Status, merged[1].Snapshot));
        Assert.Null(merged[2].Snapshot);
    }
}
