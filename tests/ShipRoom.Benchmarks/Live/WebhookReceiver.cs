using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The deploy system as ShipRoom sees it (<c>ShipRoom:Deploy:WebhookUrl</c>): answers 200 at once to every action and
/// notes when each rollback arrived (<see cref="Stopwatch"/> timestamps in this process, the same clock the driver
/// times the API call with). It does not check the signature: it measures, it deploys nothing.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, long> _rollbacks = new();
    private int _actions;

    private WebhookReceiver(WebApplication app) => _app = app;

    public int Actions => _actions;

    public int Port { get; private set; }

    public static async Task<WebhookReceiver> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/deploy", async (HttpContext context) =>
        {
            var at = Stopwatch.GetTimestamp();
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            Interlocked.Increment(ref receiver._actions);
            if (body.RootElement.TryGetProperty("action", out var action) && action.GetString() == "rollback" &&
                body.RootElement.TryGetProperty("rollout", out var rollout))
            {
                receiver._rollbacks.TryAdd(rollout.GetInt64(), at);
            }

            return Results.Ok();
        });
        // The loopback baseline: the same kind of request with nothing behind it.
        app.MapPost("/echo", () => Results.Ok());
        await app.StartAsync();
        receiver.Port = new Uri(ServerAddresses.Of(app).First()).Port;
        return receiver;
    }

    public bool TryGetRollback(long rolloutId, out long timestamp) => _rollbacks.TryGetValue(rolloutId, out timestamp);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
