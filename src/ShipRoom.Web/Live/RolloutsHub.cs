using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// /hubs/rollouts for automation and other displays: <c>Subscribe(rolloutId)</c> answers with the current snapshot and
/// its sequence number (<see cref="RolloutState"/>) and then pushes <c>RolloutUpdated</c> (<see cref="RolloutUpdate"/>:
/// only what changed) after every poll or command; a client that misses one calls <c>Subscribe</c> again
/// (docs/live-updates.md). Authorised like the API.
/// </summary>
[Authorize]
public sealed class RolloutsHub(RolloutSnapshotReader reader, RolloutCommandService commands, RolloutSnapshotStore store) : Hub
{
    public const string Path = "/hubs/rollouts";
    public const string UpdatedEvent = "RolloutUpdated";

    /// <summary>
    /// Watches the rollout, then answers with the state held: an update published in between has a sequence at most the
    /// answer's and is ignored by the client, so none is lost. Calling it again re-fetches the whole state. Updates go to
    /// the connections watching (<see cref="RolloutSnapshotStore.WatchFromHub"/>), not to a SignalR group: the store
    /// sends them a slice at a time.
    /// </summary>
    public async Task<RolloutState> Subscribe(long rolloutId)
    {
        var snapshot = await reader.GetAsync(rolloutId, Context.ConnectionAborted);
        if (snapshot is null)
        {
            throw new HubException($"rollout {rolloutId} does not exist");
        }

        // Watching first (the store then makes this rollout's updates and pushes them here), the state last: see WatchFromHub.
        Watch(rolloutId);
        // Sequence -1 (a finished rollout just forgotten by the store) matches no update's Previous, not even the 0 of an
        // update that had nothing before it: the next one re-fetches.
        return reader.State(rolloutId) ?? new RolloutState(-1, snapshot);
    }

    /// <summary>Gives a command through the same service as the buttons and the API (authorised there, not here).</summary>
    public async Task<HubCommandResult> Command(long rolloutId, string kind, string reason, long? expectedVersion)
    {
        if (!Core.Rollouts.RolloutCommands.TryParse(kind, out var command))
        {
            return new HubCommandResult(nameof(CommandStatus.Invalid), $"'{kind}' is not a rollout command (commands: {Core.Rollouts.RolloutCommands.KeysText})", null);
        }

        var result = await commands.ExecuteAsync(new CommandRequest(rolloutId, command, ShipRoom.Web.Authentication.CurrentActor.From(Context.User!), reason ?? "", expectedVersion), Context.ConnectionAborted);
        return new HubCommandResult(result.Status.ToString(), result.Message, result.RolloutVersion);
    }

    public Task Unsubscribe(long rolloutId)
    {
        Release(rolloutId);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        var watches = Watches();
        lock (watches)
        {
            foreach (var held in watches.Values)
            {
                held.Dispose();
            }

            watches.Clear();
        }

        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Takes the connection's watch of the rollout unless it holds one (a re-fetch is not a second watcher). A Subscribe
    /// still running when the connection goes would take its watch after OnDisconnectedAsync has released the others, so
    /// each watch also ends with the connection itself.
    /// </summary>
    private void Watch(long rolloutId)
    {
        var watches = Watches();
        lock (watches)
        {
            if (watches.ContainsKey(rolloutId))
            {
                return;
            }

            var watch = store.WatchFromHub(rolloutId, Context.ConnectionId);
            watches[rolloutId] = watch;
            Context.ConnectionAborted.Register(watch.Dispose);
        }
    }

    private void Release(long rolloutId)
    {
        var watches = Watches();
        lock (watches)
        {
            if (watches.Remove(rolloutId, out var watch))
            {
                watch.Dispose();
            }
        }
    }

    /// <summary>The rollouts this connection watches. Locked: a Subscribe still running can meet OnDisconnectedAsync.</summary>
    private Dictionary<long, IDisposable> Watches()
    {
        lock (Context.Items)
        {
            if (Context.Items.TryGetValue(WatchesKey, out var held) && held is Dictionary<long, IDisposable> watches)
            {
                return watches;
            }

            watches = [];
            Context.Items[WatchesKey] = watches;
            return watches;
        }
    }

    private static readonly object WatchesKey = new();
}

public sealed record HubCommandResult(string Status, string Message, long? RolloutVersion);
