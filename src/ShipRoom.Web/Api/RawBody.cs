using System.Text;

namespace ShipRoom.Web.Api;

/// <summary>A request body read exactly as sent (signatures are over the raw bytes), bounded in size.</summary>
public static class RawBody
{
    /// <summary>The body as UTF-8 text, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return read > maxBytes ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
