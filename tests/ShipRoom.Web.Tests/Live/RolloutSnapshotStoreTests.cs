using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Components;

namespace ShipRoom.Web.Tests.Live;

/// <summary>The one store many viewers read: strictly newer snapshots only, one notification per change, bounded memory.</summary>
public sealed class RolloutSnapshotStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestSnapshots.Now);
    private readonly ServiceProvider _signalR = new ServiceCollection().AddLogging().AddSignalR().Services.BuildServiceProvider();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private RolloutSnapshotStore Store(int finishedKept = 32) =>
        new(_signalR.GetRequiredService<IHubContext<RolloutsHub>>(), Options.Create(new LiveOptions { FinishedRolloutsKept = finishedKept }), _time, NullLogger<RolloutSnapshotStore>.Instance);

    private static RolloutSnapshot Snapshot(long id, long version, RolloutStatus status = RolloutStatus.Running, int builtSecondsAfter = 0) =>
        TestSnapshots.Snapshot(null) with { Id = id, Version = version, Status = status, BuiltAt = TestSnapshots.Now.AddSeconds(builtSecondsAfter) };

    /// <summary>Lets every queued coalesced callback run, then waits (bounded) for the runs to land.</summary>
    private async Task SettleAsync(Func<bool> until)
    {
        _time.Advance(RolloutSnapshotStore.NotifyInterval);
        for (var i = 0; i < 200 && !until(); i++)
        {
            await Task.Delay(10, Ct);
        }

        await Task.Delay(50, Ct); // a second, unexpected run would land in this time
    }

    public void Dispose() => _signalR.Dispose();

    [Fact]
    public async Task A_newer_version_replaces_the_held_snapshot_and_an_older_one_does_not()
    {
        var store = Store();
        var v3 = Snapshot(7, 3);

        await store.PublishAsync(v3, Ct);
        await store.PublishAsync(Snapshot(7, 2, builtSecondsAfter: 60), Ct);
        Assert.Same(v3, store.Get(7));

        var v4 = Snapshot(7, 4);
        await store.PublishAsync(v4, Ct);
        Assert.Same(v4, store.Get(7));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task At_the_same_version_only_a_later_build_replaces_and_the_same_build_twice_is_one_change()
    {
        var store = Store();
        var first = Snapshot(7, 3);
        await store.PublishAsync(first, Ct);

        await store.PublishAsync(first with { }, Ct);
        Assert.Same(first, store.Get(7));
        await store.PublishAsync(Snapshot(7, 3, builtSecondsAfter: -1), Ct);
        Assert.Same(first, store.Get(7));

        var rebuilt = Snapshot(7, 3, builtSecondsAfter: 30);
        await store.PublishAsync(rebuilt, Ct);
        Assert.Same(rebuilt, store.Get(7));
    }

    [Fact]
    public async Task Subscribers_are_called_once_per_change_and_not_for_a_stale_or_repeated_snapshot()
    {
        var store = Store();
        var calls = 0;
        using var subscription = store.Subscribe(7, () => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, e => throw e);

        await store.PublishAsync(Snapshot(7, 3), Ct);
        await SettleAsync(() => calls >= 1);
        Assert.Equal(1, calls);

        await store.PublishAsync(Snapshot(7, 3), Ct);
        await store.PublishAsync(Snapshot(7, 1), Ct);
        await SettleAsync(() => false);
        Assert.Equal(1, calls);

        await store.PublishAsync(Snapshot(7, 4), Ct);
        await SettleAsync(() => calls >= 2);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_burst_of_changes_is_one_call_and_subscribers_hear_only_their_rollout_or_all()
    {
        var store = Store();
        int seven = 0, eight = 0, any = 0;
        using var a = store.Subscribe(7, () => { Interlocked.Increment(ref seven); return Task.CompletedTask; }, e => throw e);
        using var b = store.Subscribe(8, () => { Interlocked.Increment(ref eight); return Task.CompletedTask; }, e => throw e);
        using var c = store.Subscribe(null, () => { Interlocked.Increment(ref any); return Task.CompletedTask; }, e => throw e);

        for (var version = 1; version <= 5; version++)
        {
            await store.PublishAsync(Snapshot(7, version), Ct);
        }

        await SettleAsync(() => seven >= 1 && any >= 1);
        Assert.Equal((1, 0, 1), (seven, eight, any));
    }

    [Fact]
    public async Task A_disposed_subscription_is_not_called_and_is_gone()
    {
        var store = Store();
        var calls = 0;
        var subscription = store.Subscribe(7, () => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, e => throw e);
        Assert.Equal(1, store.SubscriberCount);

        subscription.Dispose();
        subscription.Dispose();
        await store.PublishAsync(Snapshot(7, 1), Ct);
        await SettleAsync(() => false);

        Assert.Equal((0, 0), (calls, store.SubscriberCount));
    }

    [Fact]
    public async Task Only_the_most_recently_built_finished_rollouts_are_kept_and_live_ones_always()
    {
        var store = Store(finishedKept: 2);
        await store.PublishAsync(Snapshot(1, 1, RolloutStatus.Running), Ct);
        await store.PublishAsync(Snapshot(2, 1, RolloutStatus.Held), Ct);
        for (var id = 10; id < 15; id++)
        {
            await store.PublishAsync(Snapshot(id, 1, id % 2 == 0 ? RolloutStatus.Completed : RolloutStatus.RolledBack, builtSecondsAfter: id), Ct);
        }

        Assert.Equal([14, 13, 2, 1], store.All.Select(s => s.Id));
        Assert.Null(store.Get(10));

        // A live rollout that finishes counts among the finished from then on.
        await store.PublishAsync(Snapshot(1, 2, RolloutStatus.Completed, builtSecondsAfter: 100), Ct);
        Assert.Equal([14, 2, 1], store.All.Select(s => s.Id));
    }

    [Fact]
    public async Task With_no_finished_rollouts_kept_a_finished_one_is_dropped_at_once()
    {
        var store = Store(finishedKept: 0);

        await store.PublishAsync(Snapshot(5, 9, RolloutStatus.Completed), Ct);

        Assert.Equal(0, store.Count);
    }
}
