using ShipRoom.Core;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Telemetry;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Components;

namespace ShipRoom.Web.Tests.Live;

/// <summary>The one store many viewers read: strictly newer snapshots only, one notification per change, bounded memory.</summary>
public sealed class RolloutSnapshotStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestSnapshots.Now);
    private readonly ServiceProvider _signalR = new ServiceCollection().AddLogging().AddSignalR().Services.BuildServiceProvider();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly UnsavedRollbacks _unsaved = new();

    private RolloutSnapshotStore Store(int finishedKept = 32) =>
        new(_signalR.GetRequiredService<IHubContext<RolloutsHub>>(), Options.Create(new LiveOptions { FinishedRolloutsKept = finishedKept }), _unsaved, _time, NullLogger<RolloutSnapshotStore>.Instance);

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
    public async Task A_rollback_made_while_the_database_is_away_is_shown_on_the_held_snapshot_until_storage_has_the_rollout_rolled_back()
    {
        var store = Store();
        var calls = 0;
        using var subscription = store.Subscribe(7, () => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, e => throw e);
        var running = Snapshot(7, 3);
        await store.PublishAsync(running, Ct);
        await SettleAsync(() => calls >= 1);

        var requested = TestSnapshots.Now.AddSeconds(5);
        _unsaved.Add(new DeferredRollback(7, "ic", "payments failing", "rollback:7:v3:offline", requested, requested.AddSeconds(2), ExecutorResult.Ok("202"), "5%"));
        await SettleAsync(() => calls >= 2);

        // Every reader of the store (header, wall screen, list, API, hub) gets the state the rollback will be written with.
        var shown = store.Get(7)!;
        Assert.Equal(2, calls);
        Assert.Equal(RolloutStatus.RolledBack, shown.Status);
        Assert.Equal(new UnsavedRollback("ic", requested, true, false, null), shown.Unsaved);
        Assert.Equal((requested, requested.AddSeconds(2), TimeSpan.FromSeconds(2)), (shown.Rollback.RequestedAt, shown.Rollback.AcknowledgedAt, shown.Rollback.Took));
        Assert.Equal(3, shown.Version);

        // A snapshot built meanwhile (storage still says Running) keeps it.
        await store.PublishAsync(Snapshot(7, 3, builtSecondsAfter: 10), Ct);
        Assert.Equal(RolloutStatus.RolledBack, store.Get(7)!.Status);

        // Written: storage's snapshot says rolled back, and the overlay is gone with the pending entry.
        await store.PublishAsync(Snapshot(7, 4, RolloutStatus.RolledBack), Ct);
        _unsaved.RemoveWritten();
        Assert.Equal((RolloutStatus.RolledBack, (UnsavedRollback?)null), (store.Get(7)!.Status, store.Get(7)!.Unsaved));
    }

    [Fact]
    public async Task A_failed_deploy_call_in_the_outage_shows_rolling_back_with_the_error_and_goes_when_written()
    {
        var store = Store();
        await store.PublishAsync(Snapshot(7, 3), Ct);
        _unsaved.Add(new DeferredRollback(7, "ic", "payments failing", "k", TestSnapshots.Now, null, ExecutorResult.Failed("503 from the deploy system"), "5%"));

        var shown = store.Get(7)!;
        Assert.Equal((RolloutStatus.RollingBack, "503 from the deploy system", (TimeSpan?)null), (shown.Status, shown.Rollback.Error, shown.Rollback.Took));
        Assert.False(shown.Unsaved!.Acknowledged);

        _unsaved.RemoveWritten();
        Assert.Equal((RolloutStatus.Running, (UnsavedRollback?)null), (store.Get(7)!.Status, store.Get(7)!.Unsaved));
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

    [Fact]
    public async Task Publishing_does_not_wait_for_hub_clients_and_their_updates_arrive_in_sequence()
    {
        var slow = new SlowHub();
        using var store = new RolloutSnapshotStore(slow, Options.Create(new LiveOptions()), _unsaved, _time, NullLogger<RolloutSnapshotStore>.Instance);
        using var watch = store.WatchFromHub(7, "connection-a");

        // A subscriber that does not read: every hub send waits until it does.
        for (var version = 3; version <= 5; version++)
        {
            Assert.True(store.PublishAsync(Snapshot(7, version), Ct).IsCompletedSuccessfully);
        }

        Assert.Equal(5, store.Get(7)!.Version);
        slow.Release();
        for (var i = 0; i < 500 && slow.Sent.Count < 3; i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(["connection-a"], slow.Sent.SelectMany(s => s.To).Distinct());
        var sequences = slow.Sent.Select(s => ((RolloutUpdate)s.Args[0]!).Sequence).ToList();
        Assert.Equal(3, sequences.Count);
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task A_rollout_no_hub_client_watches_gets_no_update_and_the_first_one_after_a_client_comes_rebuilds_its_state()
    {
        var hub = new SlowHub();
        hub.Release();
        using var store = new RolloutSnapshotStore(hub, Options.Create(new LiveOptions()), _unsaved, _time, NullLogger<RolloutSnapshotStore>.Instance);
        var snapshots = ConsecutiveSnapshots();

        // Nobody watches: the snapshots are held (dashboards and Subscribe read them) but no update is made or pushed.
        await store.PublishAsync(snapshots[0], Ct);
        await store.PublishAsync(snapshots[1], Ct);
        Assert.Same(snapshots[1], store.Get(snapshots[1].Id));
        Assert.Equal(0, store.QueuedPushes);

        // A client comes (watch, then the state, as RolloutsHub.Subscribe does) and the next snapshot is pushed as an
        // update against the state it read.
        var watch = store.WatchFromHub(snapshots[1].Id, "connection-a");
        Assert.Equal(1, store.HubWatchers(snapshots[1].Id));
        var state = store.GetState(snapshots[1].Id)!;
        await store.PublishAsync(snapshots[2], Ct);
        var update = await SentAsync(hub, 1);
        Assert.Equal(state.Sequence, update.Previous);
        var applied = HubMirror.Apply(Json(state.Snapshot), JsonSerializer.SerializeToElement(update, ShipRoomJson.Options));
        Assert.True(JsonNode.DeepEquals(Json(snapshots[2]), applied), "the first update after the client came does not rebuild the snapshot from the state it read");

        // The client goes: later snapshots are held, not pushed.
        watch.Dispose();
        Assert.Equal(0, store.HubWatchers(snapshots[1].Id));
        await store.PublishAsync(snapshots[3], Ct);
        await Task.Delay(50, Ct);
        Assert.Single(hub.Sent);
        Assert.Same(snapshots[3], store.Get(snapshots[3].Id));
    }

    [Fact]
    public async Task A_push_goes_to_every_watching_connection_once_a_slice_at_a_time_and_waits_while_a_command_is_carried_out()
    {
        var hub = new SlowHub();
        hub.Release();
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(30));
        using var store = new RolloutSnapshotStore(hub, Options.Create(new LiveOptions()), _unsaved, _time, NullLogger<RolloutSnapshotStore>.Instance, new TurnsOnly(turns));
        var watchers = Enumerable.Range(0, 2 * RolloutSnapshotStore.PushSlice + 7).Select(i => $"connection-{i}").ToList();
        var watches = watchers.Select(connection => store.WatchFromHub(7, connection)).ToList();
        watches[^1].Dispose();

        // A command is being carried out when the push is due: the push waits for it, then goes to each watcher once.
        var command = turns.Command();
        await store.PublishAsync(Snapshot(7, 3), Ct);
        await Task.Delay(300, Ct);
        Assert.Empty(hub.Sent);
        command.Dispose();
        await SentAsync(hub, 3);
        Assert.Equal([RolloutSnapshotStore.PushSlice, RolloutSnapshotStore.PushSlice, 6], hub.Sent.Select(s => s.To.Length).OrderDescending());
        Assert.Equal(watchers.SkipLast(1).Order(StringComparer.Ordinal), hub.Sent.SelectMany(s => s.To).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_push_is_traced_as_a_child_of_the_publish_with_its_rollout_sequence_and_watchers()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RolloutTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var hub = new SlowHub();
        hub.Release();
        using var store = new RolloutSnapshotStore(hub, Options.Create(new LiveOptions()), _unsaved, _time, NullLogger<RolloutSnapshotStore>.Instance);
        var snapshots = ConsecutiveSnapshots();
        await store.PublishAsync(snapshots[0], Ct);
        using var watchA = store.WatchFromHub(snapshots[0].Id, "connection-a");
        using var watchB = store.WatchFromHub(snapshots[0].Id, "connection-b");

        ActivitySpanId publishSpan;
        using (var publish = RolloutTracing.Start(RolloutTracing.Publish, snapshots[1].Id))
        {
            publishSpan = publish!.SpanId;
            await store.PublishAsync(snapshots[1], Ct);
        }

        var update = await SentAsync(hub, 1);
        Activity? push = null;
        for (var i = 0; i < 200 && (push = stopped.FirstOrDefault(a => a.OperationName == RolloutTracing.Push && a.ParentSpanId == publishSpan)) is null; i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.NotNull(push);
        Assert.Equal(snapshots[1].Id, push.GetTagItem(RolloutTracing.RolloutIdTag));
        Assert.Equal(update.Sequence, push.GetTagItem(RolloutTracing.SequenceTag));
        Assert.Equal(2, push.GetTagItem(RolloutTracing.WatchersTag));
        Assert.IsType<double>(push.GetTagItem(RolloutTracing.QueuedMsTag));
    }

    /// <summary>Four consecutive snapshots of one rollout, each a minute of chart points and gate history later.</summary>
    private static RolloutSnapshot[] ConsecutiveSnapshots() =>
        [.. Enumerable.Range(0, 4).Select(minute => LongPhaseSnapshots.At(7, 60 + minute, version: 3 + minute))];

    private static JsonObject Json(RolloutSnapshot snapshot) => JsonSerializer.SerializeToNode(snapshot, ShipRoomJson.Options)!.AsObject();

    private static async Task<RolloutUpdate> SentAsync(SlowHub hub, int count)
    {
        for (var i = 0; i < 500 && hub.Sent.Count < count; i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(count, hub.Sent.Count);
        return (RolloutUpdate)hub.Sent.Last().Args[0]!;
    }

    /// <summary>Only the turns of a connection factory: the store asks for nothing else.</summary>
    private sealed class TurnsOnly(WriteTurns turns) : IDbConnectionFactory
    {
        public StorageProvider Provider => StorageProvider.Sqlite;

        public WriteTurns Writes => turns;

        public Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => throw new NotSupportedException("the snapshot store opens no connection");
    }

    /// <summary>A hub whose sends wait until released: hub clients that read slowly, which a test cannot make a real connection be on demand.</summary>
    private sealed class SlowHub : IHubContext<RolloutsHub>, IHubClients, IGroupManager
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentQueue<(string[] To, object?[] Args)> Sent { get; } = new();

        public void Release() => _released.TrySetResult();

        public IHubClients Clients => this;

        public IGroupManager Groups => this;

        IClientProxy IHubClients<IClientProxy>.Group(string groupName) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.All => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Client(string connectionId) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Clients(IReadOnlyList<string> connectionIds) => new Proxy(this, [.. connectionIds]);

        IClientProxy IHubClients<IClientProxy>.GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.User(string userId) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;

        private sealed class Proxy(SlowHub hub, string[] to) : IClientProxy
        {
            public async Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
            {
                await hub._released.Task;
                hub.Sent.Enqueue((to, args));
            }
        }
    }
}
