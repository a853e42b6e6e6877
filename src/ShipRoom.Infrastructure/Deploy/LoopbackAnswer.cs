using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// A listener on 127.0.0.1 (a free port) that takes one HTTP request and answers 204: the far end of
/// <see cref="WebhookDeployExecutor.WarmUpAsync"/>, so the warm-up's request never leaves the process.
/// </summary>
internal sealed class LoopbackAnswer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private LoopbackAnswer()
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/shiproom-warm-up");
    }

    public Uri Address { get; }

    public static LoopbackAnswer Start() => new();

    /// <summary>Reads one request (headers, then the body its Content-Length gives) and answers 204; false if the connection ended first.</summary>
    public async Task<bool> AnswerOneAsync(CancellationToken cancellationToken)
    {
        using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
        var stream = client.GetStream();
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = HeaderEnd(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var headers = Encoding.ASCII.GetString(received.ToArray(), 0, headerEnd);
        var length = headers.Split("\r\n").Select(line => line.Split(':', 2)).Where(parts => parts.Length == 2 && parts[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(parts => int.Parse(parts[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
        for (var body = received.Count - headerEnd - 4; body < length;)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            body += read;
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken);
        return true;
    }

    public void Dispose() => _listener.Dispose();

    private static int HeaderEnd(List<byte> received)
    {
        for (var i = 3; i < received.Count; i++)
        {
            if (received[i - 3] == '\r' && received[i - 2] == '\n' && received[i - 1] == '\r' && received[i] == '\n')
            {
                return i - 3;
            }
        }

        return -1;
    }
}
