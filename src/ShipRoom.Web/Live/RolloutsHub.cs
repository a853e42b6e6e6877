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

    public static string GroupName(long rolloutId) => $"rollout:{rolloutId}";

    /// <summary>
    /// Joins the rollout's group, then answers with the state held: an update published in between has a sequence at
    /// most the answer's and is ignored by the client, so none is lost. Calling it again re-fetches the whole state.
    /// </summary>
    public async Task<RolloutState> Subscribe(long rolloutId)
    {
        var snapshot = await reader.GetAsync(rolloutId, Context.ConnectionAborted);
        if (snapshot is null)
        {
            throw new HubException($"rollout {rolloutId} does not exist");
        }

        // Watching first (the store then makes this rollout's updates), the group second, the state last: see WatchFromHub.
        var watches = Watches();
        if (!watches.ContainsKey(rolloutId))
        {
            watches[rolloutId] = store.WatchFromHub(rolloutId);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(rolloutId), Context.ConnectionAborted);
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
        return new HubCommandResult(result.Status.ToString(), result.Message, result.Snapshot?.Version);
    }

    public async Task Unsubscribe(long rolloutId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(rolloutId), Context.ConnectionAborted);
        if (Watches().Remove(rolloutId, out var watch))
        {
            watch.Dispose();
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var watch in Watches().Values)
        {
            watch.Dispose();
        }

        Watches().Clear();
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The rollouts this connection watches (its calls run one at a time: SignalR's default).</summary>
    private Dictionary<long, IDisposable> Watches()
    {
        if (Context.Items.TryGetValue(WatchesKey, out var held) && held is Dictionary<long, IDisposable> watches)
        {
            return watches;
        }

        watches = [];
        Context.Items[WatchesKey] = watches;
        return watches;
    }

    private static readonly object WatchesKey = new();
}

public sealed record HubCommandResult(string Status, string Message, long? RolloutVersion);
