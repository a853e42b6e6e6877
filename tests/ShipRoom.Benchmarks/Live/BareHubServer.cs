using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The baseline for the subscribers row (<c>ShipRoom.Benchmarks barehub --port P</c>, its own process): a SignalR hub
/// with nothing behind it. A client calls <c>BroadcastJson(json, count, intervalMs)</c> (a ShipRoom update as it is) or
/// <c>Broadcast(bytes, count, intervalMs)</c> (one padded string of that many bytes of JSON) and every connected client
/// then gets <c>count</c> messages <c>RolloutUpdated</c>, each stamped <c>builtAt</c> just before it is sent. ShipRoom
/// stamps its updates when the poll assessed the rollout, so whatever it adds over the first is its own cost.
/// </summary>
public static class BareHubServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Int("port", 0)));
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<Broadcaster>();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<BareHub>("/hub");
        await app.StartAsync();
        await Console.Out.WriteLineAsync($"barehub listening on {string.Join(", ", ServerAddresses.Of(app))}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    public sealed record BareUpdate(long Sequence, DateTimeOffset BuiltAt, string Padding);

    public sealed class BareHub(Broadcaster broadcaster) : Hub
    {
        public void Broadcast(int bytes, int count, int intervalMs) => broadcaster.Start(bytes, count, intervalMs);

        /// <summary>The same, with a message of ShipRoom's own: <paramref name="json"/> sent as it is, with its sequence and builtAt stamped anew.</summary>
        public void BroadcastJson(string json, int count, int intervalMs) => broadcaster.StartJson(json, count, intervalMs);
    }

    public sealed class Broadcaster(IHubContext<BareHub> hub, IHostApplicationLifetime lifetime)
    {
        public void StartJson(string json, int count, int intervalMs)
        {
            var message = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            Send(count, intervalMs, i =>
            {
                message["sequence"] = i;
                message["builtAt"] = DateTimeOffset.UtcNow;
                return message;
            });
        }

        public void Start(int bytes, int count, int intervalMs)
        {
            // The JSON the hub protocol writes for an update with no padding, so the padding makes up the rest.
            var empty = JsonSerializer.SerializeToUtf8Bytes(new BareUpdate(1, DateTimeOffset.UtcNow, ""), JsonSerializerOptions.Web).Length;
            var padding = new string('x', Math.Max(0, bytes - empty));
            Send(count, intervalMs, i => new BareUpdate(i, DateTimeOffset.UtcNow, padding));
        }

        /// <summary>Message 1 to <paramref name="count"/> to every client, each made (and stamped) just before it is sent.</summary>
        private void Send(int count, int intervalMs, Func<int, object> messageFor) => _ = Task.Run(async () =>
        {
            for (var i = 1; i <= count && !lifetime.ApplicationStopping.IsCancellationRequested; i++)
            {
                await hub.Clients.All.SendAsync("RolloutUpdated", messageFor(i), lifetime.ApplicationStopping);
                await Task.Delay(intervalMs, lifetime.ApplicationStopping);
            }
        });
    }
}
