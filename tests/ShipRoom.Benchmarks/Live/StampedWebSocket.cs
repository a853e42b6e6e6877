using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// A client's WebSocket that notes when each message carrying a <c>RolloutUpdated</c> was whole in the client: the
/// moment a subscriber has the update, before the SignalR client hands it to its handler. With 1,000 clients in one
/// process, that hand-over is a further thread-pool work item per client, queued behind every other client's: in the
/// twenty-eighth round, the driver's pool queue held 1,042-1,061 items while it read one update from every socket, and
/// then all 1,000 handlers ran within 10 ms. A subscriber on its own machine does not wait behind 999 others.
/// Everything else is passed to the socket beneath.
/// </summary>
public sealed class StampedWebSocket(WebSocket inner) : WebSocket
{
    // The JSON hub protocol writes an invocation's target near its start, in every frame that carries one.
    private static ReadOnlySpan<byte> UpdateTarget => "\"target\":\"RolloutUpdated\""u8;

    private readonly ConcurrentQueue<DateTimeOffset> _arrivals = new();
    private int _updatesInMessage;

    /// <summary>When the oldest update not yet taken was whole in this client; false if none was seen.</summary>
    public bool TryTakeArrival(out DateTimeOffset at) => _arrivals.TryDequeue(out at);

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.Count > 0)
        {
            _updatesInMessage += Occurrences(buffer.Span[..result.Count]);
        }

        if (result.EndOfMessage && _updatesInMessage > 0)
        {
            var now = DateTimeOffset.UtcNow;
            for (; _updatesInMessage > 0; _updatesInMessage--)
            {
                _arrivals.Enqueue(now);
            }
        }

        return result;
    }

    private static int Occurrences(ReadOnlySpan<byte> chunk)
    {
        var count = 0;
        for (var at = chunk.IndexOf(UpdateTarget); at >= 0; at = chunk.IndexOf(UpdateTarget))
        {
            count++;
            chunk = chunk[(at + UpdateTarget.Length)..];
        }

        return count;
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage, inner.CloseStatus, inner.CloseStatusDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);

    public override void Dispose() => inner.Dispose();
}
