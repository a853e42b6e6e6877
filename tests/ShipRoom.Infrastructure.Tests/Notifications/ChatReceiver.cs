using System.Text.Json;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>A chat channel on 127.0.0.1 (the generic posts webhook) standing in for #ship-room, and the posts it received.</summary>
public sealed class ChatReceiver : IAsyncDisposable
{
    private readonly LocalEndpoint _endpoint = new();

    /// <summary>The settings that send a host's posts here.</summary>
    public Dictionary<string, string?> Settings => new() { ["ShipRoom:Notifications:Webhook:Url"] = _endpoint.Url("hook") };

    /// <summary>The posts of one kind received so far, oldest first, as the webhook's JSON bodies.</summary>
    public List<JsonElement> Posts(string kind) =>
        _endpoint.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("kind").GetString() == kind).ToList();

    /// <summary>Every instance looks for due posts, then every instance sends what is queued, as the notification job does.</summary>
    public static async Task SweepAsync(CancellationToken cancellationToken, params RolloutTestHost[] instances)
    {
        foreach (var instance in instances)
        {
            await instance.Get<PostQueue>().QueueDueAsync(cancellationToken);
        }

        foreach (var instance in instances)
        {
            await instance.Get<PostDelivery>().SendDueAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
