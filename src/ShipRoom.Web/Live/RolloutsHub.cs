using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// /hubs/rollouts for automation and other displays: <c>Subscribe(rolloutId)</c> answers with the current snapshot
/// and then pushes <c>RolloutUpdated</c> after every poll or command. Authorised like the API.
/// </summary>
[Authorize]
public sealed class RolloutsHub(RolloutSnapshotReader reader, RolloutCommandService commands) : Hub
{
    public const string Path = "/hubs/rollouts";
    public const string UpdatedEvent = "RolloutUpdated";

    public static string GroupName(long rolloutId) => $"rollout:{rolloutId}";

    public async Task<RolloutSnapshot?> Subscribe(long rolloutId)
    {
        var snapshot = await reader.GetAsync(rolloutId, Context.ConnectionAborted);
        if (snapshot is null)
        {
            throw new HubException($"rollout {rolloutId} does not exist");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(rolloutId), Context.ConnectionAborted);
        return snapshot;
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

    public Task Unsubscribe(long rolloutId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(rolloutId), Context.ConnectionAborted);
}

public sealed record HubCommandResult(string Status, string Message, long? RolloutVersion);
