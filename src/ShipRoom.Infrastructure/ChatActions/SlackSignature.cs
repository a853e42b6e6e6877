using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.ChatActions;

/// <summary>
/// Slack's request signing: <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256(signing secret, "v0:{timestamp}:{body}")&gt;</c>
/// beside <c>X-Slack-Request-Timestamp</c> (unix seconds). A timestamp further than <see cref="Window"/> from now is
/// refused, and so is a signature already accepted (a replay) by any instance: each accepted signature is stored once
/// (<see cref="ISlackRequestSignatureRepository"/>) and kept for twice the window. While the database cannot be reached,
/// the instance's own memory of the signatures it accepted still refuses replays to it (and the command's idempotency
/// key, made from the click itself, makes a replay land on the first decision once the database is back).
/// </summary>
public sealed class SlackSignature(TimeProvider time, ISlackRequestSignatureRepository stored, ILogger<SlackSignature> logger)
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new(StringComparer.Ordinal);

    public static string Sign(string timestamp, string body, string secret) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));

    /// <summary>Null when the request is Slack's, recent and new (it is then remembered); otherwise why not (safe to answer).</summary>
    public async Task<string?> AcceptAsync(string? timestamp, string? signature, string body, string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"{TimestampHeader} is missing";
        }

        if (signature is not { Length: > 3 } || !signature.StartsWith("v0=", StringComparison.Ordinal))
        {
            return $"{SignatureHeader} (v0=…) is missing";
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(timestamp, body, secret)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            return "the signature does not match";
        }

        var now = time.GetUtcNow();
        if ((now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799))).Duration() > Window)
        {
            return $"the timestamp is more than {Window.TotalMinutes:0} minutes from now";
        }

        foreach (var (old, at) in _accepted)
        {
            if (now - at > Window * 2)
            {
                _accepted.TryRemove(old, out _);
            }
        }

        const string Replay = "this request was already received (replay)";
        var key = signature.ToLowerInvariant();
        if (!_accepted.TryAdd(key, now))
        {
            return Replay;
        }

        try
        {
            return await stored.TryRecordAsync(key, now, now - Window * 2, cancellationToken) ? null : Replay;
        }
        catch (Exception exception) when (StorageFailures.IsStorageFailure(exception))
        {
            // The database is away: this instance's memory refuses replays to it; the click's idempotency key does the rest.
            logger.LogWarning("Slack request signatures could not be stored ({Kind}): replays are refused by this instance's memory only", exception.GetType().Name);
            return null;
        }
    }
}
