using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Telemetry;

namespace ShipRoom.Web.Live;

/// <summary>
/// One store, many subscribers: the latest snapshot of every live rollout, and of the most recently finished ones
/// (<see cref="LiveOptions.FinishedRolloutsKept"/>). Components subscribe
/// and are called back at most once per <see cref="NotifyInterval"/>, all by one timer (a burst of changes is one render; <see cref="ChangeFanOut"/>); hub
/// clients watching the rollout get <c>RolloutUpdated</c> with what changed since the previous snapshot
/// (<see cref="RolloutUpdate"/>, numbered by a sequence this store hands out; docs/live-updates.md).
/// A rollback made here while the database was away and not written yet is laid over the snapshot here, once for every
/// surface (<see cref="UnsavedRollbackOverlay"/>): each snapshot published gets it, and the held one is shown again
/// when such a rollback is added or written.
/// Hub pushes go out from one queue, in sequence order, by a loop of their own: publishing never waits for hub clients
/// (a poll or a command's answer waited for every subscriber's write: with 200 clients, tens of milliseconds). A push
/// goes to the rollout's watchers <see cref="PushSlice"/> connections at a time, giving way to the commands this
/// process carries out before each slice (<see cref="WriteTurns.BackgroundWork"/>, at most 2 s from when the push was
/// queued): a push to 1,000 clients keeps both cores busy for about 100 ms, and a rollback given then waits for them.
/// </summary>
public sealed class RolloutSnapshotStore : ILocalRolloutPublisher, IDisposable
{
    /// <summary>Pushes waiting for the hub beyond which a warning is logged (none is dropped: a rollout's last update may be its only one).</summary>
    public const int QueuedPushesWarning = 1024;

    /// <summary>Hub connections one push writes to before it looks for commands to give way to.</summary>
    public const int PushSlice = 100;

    private readonly IHubContext<RolloutsHub> hub;
    private readonly IOptions<LiveOptions> options;
    private readonly UnsavedRollbacks unsaved;
    private readonly ILogger<RolloutSnapshotStore> logger;
    private readonly IDbConnectionFactory? connections;

    /// <param name="connections">Whose commands a push gives way to; none (a test's store) pushes at once.</param>
    public RolloutSnapshotStore(IHubContext<RolloutsHub> hub, IOptions<LiveOptions> options, UnsavedRollbacks unsaved, TimeProvider time, ILogger<RolloutSnapshotStore> logger,
        IDbConnectionFactory? connections = null)
    {
        this.hub = hub;
        this.connections = connections;
        this.options = options;
        this.unsaved = unsaved;
        this.logger = logger;
        _subscribers = new ChangeFanOut(NotifyInterval, time, exception => logger.LogWarning(exception, "Telling subscribers of a rollout change failed"));
        unsaved.Changed += ShowAgain;
        // The loop owes nothing to whoever made the store first (a command's flow would stop it giving way).
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(PushLoopAsync);
        }
    }

    /// <summary>Each push with the span that published it (none when nobody traces): the push's own span is its child, so one trace runs from the poll to the hub.</summary>
    private readonly Channel<(long RolloutId, RolloutUpdate Update, long QueuedAt, ActivityContext PublishedIn)> _pushes =
        Channel.CreateUnbounded<(long, RolloutUpdate, long, ActivityContext)>(new UnboundedChannelOptions { SingleReader = true });
    private bool _backlogWarned;
    private int _queued;

    /// <summary>Pushes queued for hub clients and not sent yet (for tests and diagnostics).</summary>
    public int QueuedPushes => Volatile.Read(ref _queued);

    public static readonly TimeSpan NotifyInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<long, Entry> _snapshots = new();
    private readonly ChangeFanOut _subscribers;
    private readonly Lock _publishing = new();
    /// <summary>The hub connections watching each rollout: who its updates are pushed to.</summary>
    private readonly Dictionary<long, HashSet<string>> _hubWatchers = new();
    private long _sequence;

    public RolloutSnapshot? Get(long rolloutId) => _snapshots.GetValueOrDefault(rolloutId)?.Snapshot;

    /// <summary>The snapshot held and the sequence number of the update that brought it: what a hub client starts from.</summary>
    public RolloutState? GetState(long rolloutId) => _snapshots.GetValueOrDefault(rolloutId) is { } entry ? new RolloutState(entry.Sequence, entry.Snapshot) : null;

    /// <summary>The snapshots held now: every live rollout and the most recently finished ones; the rollout list adds the rest from storage.</summary>
    public IReadOnlyList<RolloutSnapshot> All => _snapshots.Values.Select(e => e.Snapshot).OrderByDescending(s => s.Id).ToList();

    public int Count => _snapshots.Count;

    public Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        Publish(snapshot, replaceSameBuild: false);
        return Task.CompletedTask;
    }

    /// <summary>An unsaved rollback of the rollout was added or written: its held snapshot is shown again with or without it.</summary>
    private void ShowAgain(long rolloutId)
    {
        try
        {
            if (_snapshots.GetValueOrDefault(rolloutId) is { } held)
            {
                Publish(held.Built, replaceSameBuild: true);
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Showing rollout {RolloutId} again after an unsaved rollback changed failed", rolloutId);
        }
    }

    private void Publish(RolloutSnapshot built, bool replaceSameBuild)
    {
        RolloutSnapshot snapshot;
        lock (_publishing)
        {
            // A snapshot older than the one held (built before a concurrent change) must not replace it.
            var held = _snapshots.GetValueOrDefault(built.Id);
            // Shown again (an unsaved rollback came or went): the same build may replace itself.
            if (held is not null && !IsNewer(built, held.Built) && !(replaceSameBuild && ReferenceEquals(built, held.Built)))
            {
                return;
            }

            snapshot = UnsavedRollbackOverlay.Apply(built, unsaved.Find(built.Id));

            // The slim JSON, its fingerprint and the patch cost milliseconds a snapshot: they are made only for someone who
            // reads them (a hub client of this rollout; a dashboard of it, whose panels compare revisions). A rollout nobody
            // watches keeps no fingerprint, and the first update after someone comes is made against its held snapshot.
            var hubWatches = _hubWatchers.ContainsKey(built.Id);
            var panelsWatch = _subscribers.Follows(built.Id);
            JsonObject? slim = null;
            IReadOnlyDictionary<string, byte[]>? fingerprint = null;
            IReadOnlyDictionary<string, byte[]>? heldSlim = null;
            if (hubWatches || panelsWatch || replaceSameBuild)
            {
                slim = RolloutUpdateBuilder.Slim(snapshot);
                fingerprint = RolloutUpdateBuilder.Fingerprint(slim);
                heldSlim = held is null ? null : held.Slim ?? RolloutUpdateBuilder.Fingerprint(RolloutUpdateBuilder.Slim(held.Snapshot));
                if (replaceSameBuild && heldSlim is not null && SameFingerprint(fingerprint, heldSlim))
                {
                    return;
                }

                // Parts equal to the held snapshot's keep its revisions: panels that show only those skip their render.
                PartRevisions.Carry(held?.Snapshot, heldSlim, snapshot, fingerprint);
            }

            // One sequence for the whole store: a rollout forgotten and held again never repeats a number a client has seen.
            var sequence = ++_sequence;
            _snapshots[snapshot.Id] = new Entry(sequence, snapshot, built, fingerprint);
            if (hubWatches)
            {
                var update = RolloutUpdateBuilder.Between(held?.Sequence ?? 0, held?.Snapshot, heldSlim, sequence, snapshot, slim!, fingerprint!);

                // Queued under the lock, so updates reach the hub in the order of their sequence numbers.
                // The span that published it is the push's parent, only when someone traces ShipRoom: otherwise no push
                // span is made, and an unrelated span (a request's) is not carried along.
                var publishedIn = RolloutTracing.Source.HasListeners() ? Activity.Current?.Context ?? default : default;
                _pushes.Writer.TryWrite((snapshot.Id, update, TimeProvider.System.GetTimestamp(), publishedIn));
                if (Interlocked.Increment(ref _queued) > QueuedPushesWarning && !_backlogWarned)
                {
                    _backlogWarned = true;
                    logger.LogWarning("More than {Count} hub pushes are waiting: hub clients read more slowly than rollouts change", QueuedPushesWarning);
                }
            }
        }

        if (!built.IsLive)
        {
            ForgetOldFinished();
        }

        _subscribers.Changed(snapshot.Id);
    }

    private async Task PushLoopAsync()
    {
        await foreach (var (rolloutId, update, queuedAt, publishedIn) in _pushes.Reader.ReadAllAsync())
        {
            Interlocked.Decrement(ref _queued);
            try
            {
                await PushAsync(rolloutId, update, queuedAt, publishedIn);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Pushing rollout {RolloutId} to hub clients failed", rolloutId);
            }
        }
    }

    /// <summary>
    /// To the watchers when the push goes, not when it was queued: one that came since ignores an update older than the
    /// state it read; one that left gets nothing more. Each slice's send starts after giving way; the next update waits
    /// for all of them, so a slow client holds back later updates (none is dropped), not the rest of this one.
    /// </summary>
    private async Task PushAsync(long rolloutId, RolloutUpdate update, long queuedAt, ActivityContext publishedIn)
    {
        var watchers = Watchers(rolloutId);
        // From leaving the queue to every slice handed to SignalR: where a slow update spent its time after the publish.
        using var activity = RolloutTracing.Start(RolloutTracing.Push, rolloutId, ActivityKind.Producer, publishedIn)?
            .SetTag(RolloutTracing.SequenceTag, update.Sequence)
            .SetTag(RolloutTracing.WatchersTag, watchers.Length)
            .SetTag(RolloutTracing.QueuedMsTag, TimeProvider.System.GetElapsedTime(queuedAt).TotalMilliseconds);
        var turn = (connections?.Writes ?? WriteTurns.None).BackgroundWork(queuedAt);
        var sends = new List<Task>();
        try
        {
            for (var start = 0; start < watchers.Length; start += PushSlice)
            {
                await turn.YieldToCommandsAsync(CancellationToken.None);
                sends.Add(hub.Clients.Clients(new ConnectionSlice(watchers, start, Math.Min(PushSlice, watchers.Length - start)))
                    .SendAsync(RolloutsHub.UpdatedEvent, update, CancellationToken.None));
            }

            await Task.WhenAll(sends);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    public void Dispose()
    {
        _subscribers.Dispose();
        _pushes.Writer.TryComplete();
    }

    /// <summary>Calls <paramref name="onChange"/> (coalesced) after each new snapshot of the rollout, or of any rollout when null.</summary>
    public IDisposable Subscribe(long? rolloutId, Func<Task> onChange, Action<Exception> onError)
    {
        if (rolloutId is { } watched)
        {
            JudgeParts(watched);
        }

        return _subscribers.Add(rolloutId, onChange, onError);
    }

    public int SubscriberCount => _subscribers.Count;

    /// <summary>
    /// A dashboard comes to a rollout whose held snapshot nobody watched when it was published: its parts get their
    /// revisions now, before the panels read them, so the next snapshot's equal parts keep them and those panels skip
    /// their render (as on a rollout that was watched all along).
    /// </summary>
    private void JudgeParts(long rolloutId)
    {
        lock (_publishing)
        {
            if (_snapshots.GetValueOrDefault(rolloutId) is { Slim: null } entry)
            {
                var fingerprint = RolloutUpdateBuilder.Fingerprint(RolloutUpdateBuilder.Slim(entry.Snapshot));
                PartRevisions.Carry(null, null, entry.Snapshot, fingerprint);
                _snapshots[rolloutId] = entry with { Slim = fingerprint };
            }
        }
    }

    /// <summary>
    /// The hub connection reads <c>RolloutUpdated</c> of the rollout until the returned scope is disposed: only while
    /// someone does is each snapshot of it turned into an update, and pushes go to the connections watching. Taken under
    /// the publishing lock, before the client reads the state: a snapshot published before it is in that state, one
    /// published after it is pushed to this connection, none falls between.
    /// </summary>
    public IDisposable WatchFromHub(long rolloutId, string connectionId)
    {
        lock (_publishing)
        {
            if (!_hubWatchers.TryGetValue(rolloutId, out var watchers))
            {
                _hubWatchers[rolloutId] = watchers = new HashSet<string>(StringComparer.Ordinal);
            }

            watchers.Add(connectionId);
        }

        return new Unsubscriber(() =>
        {
            lock (_publishing)
            {
                if (_hubWatchers.TryGetValue(rolloutId, out var watchers) && watchers.Remove(connectionId) && watchers.Count == 0)
                {
                    _hubWatchers.Remove(rolloutId);
                }
            }
        });
    }

    /// <summary>Hub clients watching the rollout now (for tests and diagnostics).</summary>
    public int HubWatchers(long rolloutId)
    {
        lock (_publishing)
        {
            return _hubWatchers.GetValueOrDefault(rolloutId)?.Count ?? 0;
        }
    }

    private string[] Watchers(long rolloutId)
    {
        lock (_publishing)
        {
            return _hubWatchers.GetValueOrDefault(rolloutId)?.ToArray() ?? [];
        }
    }

    /// <summary>Strictly newer: the same snapshot published twice reaches viewers once.</summary>
    private static bool IsNewer(RolloutSnapshot candidate, RolloutSnapshot current) =>
        candidate.Version > current.Version || (candidate.Version == current.Version && candidate.BuiltAt > current.BuiltAt);

    private void ForgetOldFinished()
    {
        var finished = _snapshots.Values.Where(e => Core.Rollouts.RolloutStateMachine.IsFinished(e.Built.Status)).OrderByDescending(e => e.Built.BuiltAt).ToList();
        foreach (var old in finished.Skip(options.Value.FinishedRolloutsKept))
        {
            _snapshots.TryRemove(new KeyValuePair<long, Entry>(old.Snapshot.Id, old));
        }
    }

    private static bool SameFingerprint(IReadOnlyDictionary<string, byte[]> a, IReadOnlyDictionary<string, byte[]> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && p.Value.AsSpan().SequenceEqual(other));

    /// <summary>
    /// A held snapshot as shown (with any unsaved rollback laid over it), as built, the sequence number it was published
    /// under and its slim JSON's properties as text (what the next update is compared with; null while nobody watched it).
    /// </summary>
    private sealed record Entry(long Sequence, RolloutSnapshot Snapshot, RolloutSnapshot Built, IReadOnlyDictionary<string, byte[]>? Slim);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
