using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// N SignalR clients in this process, each its own WebSocket. For every <c>RolloutUpdated</c> they note the time of
/// receipt against the update's <c>builtAt</c> (the server's wall clock; same machine, same clock) and its size as
/// JSON. Receipt is when the update's message was whole in the client's WebSocket (<see cref="StampedWebSocket"/>); when
/// the SignalR client then ran its handler is noted beside it. The same swarm listens to ShipRoom's hub and to the bare
/// hub, so the driver's own cost is in both figures.
/// </summary>
public sealed class HubSwarm : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly ConcurrentQueue<Received> _received = new();

    /// <summary>
    /// One update as a client got it: <paramref name="At"/> when its message was whole in the client's WebSocket,
    /// <paramref name="HandledAt"/> when the handler ran (and <paramref name="At"/> too when the socket's note was
    /// missing: not <paramref name="Stamped"/>); its size, whether it changed nothing and whether it moved the rollout to
    /// another phase are read by client 0 only.
    /// </summary>
    public readonly record struct Received(int Client, long Sequence, DateTimeOffset BuiltAt, DateTimeOffset At, DateTimeOffset HandledAt, bool Stamped, int Bytes, bool Empty, bool PhaseChanged = false);

    private readonly ConcurrentDictionary<int, StampedWebSocket> _sockets = new();
    private int _spare;

    /// <summary>
    /// Notes from the sockets that no handler took since <see cref="Clear"/>: left out, as an update noted before its
    /// builtAt, or left over. Not 0 would mean a note could have been matched to the wrong update.
    /// </summary>
    public int SpareNotes => _spare + _sockets.Values.Sum(socket => socket.Pending);

    /// <summary>What the subscribe answer is read into: the snapshot is skipped by the parser, not built.</summary>
    private sealed record SubscribeAnswer(long Sequence);

    /// <summary>What every client but the first reads of an update: the rest is skipped by the parser, not built.</summary>
    private sealed record UpdateStamp(long Sequence, DateTimeOffset BuiltAt);

    public IReadOnlyCollection<Received> All => _received;

    public int Connected => _connections.Count;

    public static async Task<HubSwarm> ConnectAsync(Uri hubUrl, int clients, string? token, Func<HubConnection, Task>? afterConnect, CancellationToken cancellationToken)
    {
        var swarm = new HubSwarm();
        using var gate = new SemaphoreSlim(16);
        var tasks = Enumerable.Range(0, clients).Select(async index =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(hubUrl, options =>
                    {
                        // One WebSocket per client and no negotiate round trip: the upgrade is the only HTTP request.
                        options.Transports = HttpTransportType.WebSockets;
                        options.SkipNegotiation = true;
                        options.WebSocketFactory = async (context, connecting) =>
                        {
                            var socket = new ClientWebSocket();
                            // What SignalR's own factory sets for a token over HTTP/1.1, and the header that makes a
                            // refused sign-in answer 401 rather than a redirect.
                            if (token is not null)
                            {
                                socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
                            }

                            socket.Options.SetRequestHeader("X-Requested-With", "XMLHttpRequest");
                            try
                            {
                                await socket.ConnectAsync(context.Uri, connecting);
                            }
                            catch
                            {
                                socket.Dispose();
                                throw;
                            }

                            return swarm._sockets[index] = new StampedWebSocket(socket);
                        };
                    })
                    .Build();
                connection.ServerTimeout = TimeSpan.FromMinutes(5);
                connection.HandshakeTimeout = TimeSpan.FromMinutes(2);
                // Client 0 reads each update whole (its size, whether it changed anything, the largest); the others read
                // only its sequence and builtAt, the parser skipping the rest: 1,000 clients share this machine's 2 cores
                // with the server, and building every update into a document 1,000 times was the driver's cost, which
                // each real client pays on its own machine (docs/benchmarks.md, tenth round).
                if (index == 0)
                {
                    connection.On<JsonElement>("RolloutUpdated", update => swarm.Note(index, update));
                }
                else
                {
                    connection.On<UpdateStamp>("RolloutUpdated", update => swarm.Note(index, update));
                }
                await connection.StartAsync(cancellationToken);
                if (afterConnect is not null)
                {
                    await afterConnect(connection);
                }

                lock (swarm._connections)
                {
                    swarm._connections.Add(connection);
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return swarm;
    }

    public static Func<HubConnection, Task> SubscribeTo(long rolloutId) => async connection =>
    {
        var answer = await connection.InvokeAsync<SubscribeAnswer>("Subscribe", rolloutId);
        if (answer is null)
        {
            throw new InvalidOperationException($"Subscribe({rolloutId}) answered nothing");
        }
    };

    private void Note(int client, UpdateStamp update)
    {
        var handled = DateTimeOffset.UtcNow;
        var (at, stamped) = ArrivalAt(client, update.BuiltAt, handled);
        _received.Enqueue(new Received(client, update.Sequence, update.BuiltAt, at, handled, stamped, 0, false));
    }

    private (DateTimeOffset At, bool Stamped) ArrivalAt(int client, DateTimeOffset builtAt, DateTimeOffset handled)
    {
        if (!_sockets.TryGetValue(client, out var socket))
        {
            return (handled, false);
        }

        var found = socket.TryTakeArrival(builtAt, out var at, out var spare);
        if (spare > 0)
        {
            Interlocked.Add(ref _spare, spare);
        }

        return found ? (at, true) : (handled, false);
    }

    private void Note(int client, JsonElement update)
    {
        var handled = DateTimeOffset.UtcNow;
        var builtAt = update.GetProperty("builtAt").GetDateTimeOffset();
        var (at, stamped) = ArrivalAt(client, builtAt, handled);
        var sequence = update.TryGetProperty("sequence", out var s) ? s.GetInt64() : 0;
        // Sizes are read from one client only: every client receives the same message.
        var bytes = 0;
        var empty = false;
        var phaseChanged = false;
        if (client == 0)
        {
            phaseChanged = update.TryGetProperty("patch", out var patch) && patch.ValueKind == JsonValueKind.Object && patch.TryGetProperty("phaseIndex", out _);
            var raw = update.GetRawText();
            bytes = Encoding.UTF8.GetByteCount(raw);
            // An update that changes nothing: no patched property, no chart point, no gate minute (a push with no change).
            empty = IsEmpty(update, "patch") && IsEmpty(update, "series") && IsEmpty(update, "history");
            if (bytes > (Largest?.Length ?? 0))
            {
                Largest = raw;
            }
        }

        _received.Enqueue(new Received(client, sequence, builtAt, at, handled, stamped, bytes, empty, phaseChanged));
    }

    /// <summary>The largest update client 0 received, as JSON, to say where its bytes go.</summary>
    public string? Largest { get; private set; }

    private static bool IsEmpty(JsonElement update, string property) =>
        !update.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null ||
        (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any()) ||
        (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0);

    /// <summary>Bytes of JSON per property of the update and of its <c>patch</c>, largest first.</summary>
    public static string Breakdown(string json)
    {
        using var document = JsonDocument.Parse(json);
        var parts = document.RootElement.EnumerateObject()
            .SelectMany(p => p.Name == "patch" && p.Value.ValueKind == JsonValueKind.Object
                ? p.Value.EnumerateObject().Select(s => ($"patch.{s.Name}", Encoding.UTF8.GetByteCount(s.Value.GetRawText())))
                : [(p.Name, Encoding.UTF8.GetByteCount(p.Value.GetRawText()))])
            .OrderByDescending(p => p.Item2)
            .Take(8);
        return string.Join(", ", parts.Select(p => $"{p.Item1} {p.Item2:N0} B"));
    }

    /// <summary>
    /// Each update's first, median and last receipt after its builtAt, in order: a late first receipt is time spent
    /// before the server sent it; a wide spread is the time the clients took to get and read it.
    /// </summary>
    public static string Spread(IEnumerable<Received> received) => string.Join("; ", received
        .GroupBy(r => r.Sequence)
        .OrderBy(g => g.Key)
        .Select(g =>
        {
            var latencies = g.Select(r => (r.At - r.BuiltAt).TotalMilliseconds).ToList();
            return $"#{g.Key} {latencies.Min():0} / {Stats.Percentile(latencies, 50):0} / {latencies.Max():0}";
        }));

    /// <summary>The same spread, from when each handler ran.</summary>
    public static string HandlerSpread(IEnumerable<Received> received) => Spread(received.Select(r => r with { At = r.HandledAt }));

    /// <summary>Forgets what was received, and the sockets' notes no handler took.</summary>
    public void Clear()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Drain();
        }

        _spare = 0;
        _received.Clear();
        Largest = null;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_connections.Select(async c =>
        {
            try
            {
                await c.DisposeAsync();
            }
            catch (Exception)
            {
                // A connection the server already closed: nothing left to release.
            }
        }));
    }
}
