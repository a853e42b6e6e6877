namespace ShipRoom.E2E;

/// <summary>
/// The messages in one binary /_blazor WebSocket frame: Blazor's SignalR protocol prefixes each MessagePack message with
/// its length (7 bits a byte, the high bit saying another follows), and one frame can carry several (a chart's
/// JS call made during a render, then the render batch). Its own file so tests/ShipRoom.Benchmarks links it too.
/// </summary>
public static class BlazorFrames
{
    /// <summary>Each message's size in the frame (its length prefix included) and its bytes as text (MessagePack keeps strings readable).</summary>
    public static List<(int Length, string Text)> Messages(byte[] frame)
    {
        var messages = new List<(int, string)>();
        var at = 0;
        while (at < frame.Length)
        {
            var (start, length, shift) = (at, 0, 0);
            byte next;
            do
            {
                next = frame[at++];
                length |= (next & 0x7f) << shift;
                shift += 7;
            }
            while ((next & 0x80) != 0 && at < frame.Length);

            length = Math.Min(length, frame.Length - at);
            messages.Add((at - start + length, System.Text.Encoding.UTF8.GetString(frame, at, length)));
            at += length;
        }

        return messages;
    }

    /// <summary>
    /// Calls <paramref name="onMessage"/> with each message <paramref name="page"/> receives over /_blazor: its size and
    /// its text, a binary frame split into its messages, a text frame as one.
    /// </summary>
    public static void OnMessages(Microsoft.Playwright.IPage page, Action<int, string> onMessage)
    {
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("_blazor", StringComparison.Ordinal))
            {
                socket.FrameReceived += (_, frame) =>
                {
                    foreach (var (length, text) in frame.Binary is { } binary ? Messages(binary) : [(System.Text.Encoding.UTF8.GetByteCount(frame.Text ?? ""), frame.Text ?? "")])
                    {
                        onMessage(length, text);
                    }
                };
            }
        };
    }
}
