using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// How the deploy system signs its completion callback: HMAC-SHA256 with the deploy webhook's secret over
/// <c>&lt;timestamp&gt;.&lt;rollout&gt;.&lt;decision&gt;.&lt;body&gt;</c> (the ids from the URL, so a signed callback
/// cannot be sent to another decision), as <c>X-ShipRoom-Signature: sha256=&lt;hex&gt;</c> beside
/// <c>X-ShipRoom-Timestamp: &lt;unix seconds&gt;</c>. A timestamp further than <see cref="Window"/> from now is refused.
/// Replays are refused by storage, on every instance: the signature that recorded a completion is kept with it
/// (<see cref="Rollouts.Commands.ExecutionCompletions"/>), and only once it is recorded, so a deploy system that
/// retries after a failed answer (storage down, a 500) is heard.
/// </summary>
public sealed class CallbackSignature(TimeProvider time)
{
    public const string TimestampHeader = "X-ShipRoom-Timestamp";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Sign(string timestamp, long rolloutId, long decisionId, string body, string secret) =>
        WebhookDeployExecutor.Sign(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{rolloutId}.{decisionId}.{body}"), secret);

    /// <summary>Null when the callback is genuine and recent; otherwise why it is refused (safe to answer).</summary>
    public string? Check(string? timestamp, string? signature, long rolloutId, long decisionId, string body, string secret)
    {
        if (string.IsNullOrEmpty(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"{TimestampHeader} (unix seconds) is missing";
        }

        if (signature is not { Length: > 7 } || !signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            return $"{WebhookDeployExecutor.SignatureHeader} (sha256=<hex>) is missing";
        }

        var expected = Encoding.ASCII.GetBytes("sha256=" + Sign(timestamp, rolloutId, decisionId, body, secret));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            return "the signature does not match";
        }

        var now = time.GetUtcNow();
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((now - sent).Duration() > Window)
        {
            return $"the timestamp is more than {Window.TotalMinutes:0} minutes from now";
        }

        return null;
    }
}
