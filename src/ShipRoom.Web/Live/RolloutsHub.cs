using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ShipRoom.Infrastructure.Rollouts;

namespace ShipRoom.Web.Live;

/// <summary>
/// /hubs/rollouts for automation and other displays: <c>Subscribe(rolloutId)</c> answers with the current snapshot
/// and then pushes <c>RolloutUpdated</c> after every poll or command. Authorised like the API.
/// </summary>
[Authorize]
public sealed class RolloutsHub(RolloutSnapshotReader reader) : Hub
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

    public Task Unsubscribe(long rolloutId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(rolloutId), Context.ConnectionAborted);
}
