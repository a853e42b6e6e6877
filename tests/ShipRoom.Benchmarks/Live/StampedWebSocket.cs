using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// A client's WebSocket that notes when each message carrying a <c>RolloutUpdated</c> was whole in the client: when
/// SignalR's receive loop read its last bytes, before the SignalR client hands it to its handler. With 1,000 clients in
/// one process, that hand-over is a further thread-pool work item per client, queued behind every other client's: in
/// the twenty-eighth round, the driver's pool held 1,034-1,061 items while it read one update from every socket, and
/// then the 1,000 handlers ran within 10-11 ms of each other (in three of four such updates). A subscriber on its own
/// machine does not wait behind 999 others. The receive loop itself runs on the same pool (a socket's completion is a
/// pool work item on Linux), so the note still counts one wait in the driver's queue. Everything else is passed to the
/// socket beneath.
/// </summary>
public sealed class StampedWebSocket(WebSocket inner) : WebSocket
{
    // The JSON hub protocol writes an invocation's target near its start, in every frame that carries one.
    private static ReadOnlySpan<byte> UpdateTarget => "\"target\":\"RolloutUpdated\""u8;

    private readonly ConcurrentQueue<DateTimeOffset> _arrivals = new();
    // The last bytes of the message read so far, so that a target split across two reads is still found.
    private readonly byte[] _carry = new byte[UpdateTarget.Length - 1];
    private int _carried;
    private int _updatesInMessage;

    /// <summary>
    /// When the oldest update not yet taken was whole in this client, leaving out (and counting in
    /// <paramref name="spare"/>) any noted before <paramref name="builtAt"/>: on one clock an update cannot arrive before
    /// it was built, so such a note belonged to a message no handler took. False if none is left.
    /// </summary>
    public bool TryTakeArrival(DateTimeOffset builtAt, out DateTimeOffset at, out int spare)
    {
        spare = 0;
        while (_arrivals.TryDequeue(out at))
        {
            if (at >= builtAt)
            {
                return true;
            }

            spare++;
        }

        return false;
    }

    /// <summary>Notes not yet taken.</summary>
    public int Pending => _arrivals.Count;

    /// <summary>Drops the notes not taken.</summary>
    public void Drain() => _arrivals.Clear();

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.Count > 0)
        {
            Scan(buffer.Span[..result.Count]);
        }

        if (result.EndOfMessage)
        {
            if (_updatesInMessage > 0)
            {
                var now = DateTimeOffset.UtcNow;
                for (; _updatesInMessage > 0; _updatesInMessage--)
                {
                    _arrivals.Enqueue(now);
                }
            }

            _carried = 0;
        }

        return result;
    }

    private void Scan(ReadOnlySpan<byte> read)
    {
        // The carry is shorter than the target, and so is the start of the read searched with it: a target found across
        // the seam is one split by it, counted by neither search alone.
        Span<byte> seam = stackalloc byte[_carry.Length * 2];
        var head = Math.Min(read.Length, _carry.Length);
        _carry.AsSpan(0, _carried).CopyTo(seam);
        read[..head].CopyTo(seam[_carried..]);
        seam = seam[..(_carried + head)];
        _updatesInMessage += Occurrences(seam) + Occurrences(read);

        // The new carry: the last bytes of what was carried and this read together.
        var keep = Math.Min(_carry.Length, _carried + read.Length);
        if (read.Length >= keep)
        {
            read[^keep..].CopyTo(_carry);
        }
        else
        {
            seam[^keep..].CopyTo(_carry);
        }

        _carried = keep;
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
