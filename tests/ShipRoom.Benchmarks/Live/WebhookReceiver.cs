using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The deploy system as ShipRoom sees it (<c>ShipRoom:Deploy:WebhookUrl</c>): answers 200 at once to every action and
/// notes when each rollback arrived (<see cref="Stopwatch"/> timestamps in this process, the same clock
/// <see cref="RollbackTiming"/> times the API call with, in this process too). It does not check the signature: it measures, it deploys nothing.
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
        // The rollback row, run here at the driver's request, away from its subscriber swarm (RollbackTiming).
        app.MapPost("/bench/rollbacks", async (RollbackTiming.Request request, CancellationToken cancellationToken) =>
        {
            var log = new List<string>();
            try
            {
                using var session = ShipRoomSession.WithToken(new Uri(request.Url), request.Token);
                var row = await RollbackTiming.RunAsync(session, receiver, request.Plan, request.Count, request.ServerPid, request.DatabasePid, request.DriverPid,
                    text => { lock (log) { log.Add($"[deploy system {DateTime.UtcNow:HH:mm:ss.fff}] {text}"); } }, cancellationToken);
                return Results.Ok(new RollbackTiming.Result(row, log));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The host's logging is off: the cause goes to this process's log (kept in artifacts/bench/last-run/) and to the driver.
                await Console.Error.WriteLineAsync($"the rollback row failed: {exception}");
                return Results.Problem($"the rollback row failed after {log.Count} lines: {exception.Message}");
            }
        });
        await app.StartAsync();
        receiver.Port = new Uri(ServerAddresses.Of(app).First()).Port;
        return receiver;
    }

    /// <summary>
    /// <c>ShipRoom.Benchmarks deploysystem --port P</c>: the deploy system ShipRoom's <c>Deploy:WebhookUrl</c> points at,
    /// in a process of its own (scripts/bench.sh starts it before ShipRoom), until stopped.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        await using var receiver = await StartAsync(options.Int("port", 0));
        await Console.Out.WriteLineAsync($"deploy system listening on 127.0.0.1:{receiver.Port}");
        await receiver._app.WaitForShutdownAsync();
        return 0;
    }

    public bool TryGetRollback(long rolloutId, out long timestamp) => _rollbacks.TryGetValue(rolloutId, out timestamp);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
