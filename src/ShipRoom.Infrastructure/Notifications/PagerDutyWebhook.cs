using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>A PagerDuty V3 webhook event about a ShipRoom page, read from its body.</summary>
public sealed record PagerDutyPageEvent(long RolloutId, string DedupKey, string Cause, string EventId, string EventType, string? Agent, string? IncidentUrl, DateTimeOffset OccurredAt);

/// <summary>
/// PagerDuty V3 webhooks about the incidents ShipRoom's pages opened. PagerDuty signs the raw body with the
/// subscription's secret (<c>X-PagerDuty-Signature: v1=&lt;hex HMAC-SHA256&gt;</c>, several comma-separated while a
/// secret is rotated); the incident's <c>incident_key</c> is the dedup key ShipRoom sent (<c>shiproom-{rollout}-{cause}</c>).
/// </summary>
public static partial class PagerDutyWebhook
{
    public const string SignatureHeader = "X-PagerDuty-Signature";

    /// <summary>The incident events shown on the dashboard; others (notes, priority changes …) are answered and ignored.</summary>
    public static readonly IReadOnlyList<string> Events = ["incident.triggered", "incident.acknowledged", "incident.unacknowledged", "incident.escalated", "incident.reassigned", "incident.resolved", "incident.reopened"];

    public const int MaxAgentLength = 200;

    public static string Sign(string body, string secret) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>True when one of the header's v1 signatures is the body's HMAC under <paramref name="secret"/> (compared in constant time).</summary>
    public static bool IsSigned(string? header, string body, string secret)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(body, secret));
        var matched = false;
        foreach (var candidate in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Every candidate is compared, so the time taken does not say which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate.ToLowerInvariant()));
        }

        return matched;
    }

    /// <summary>The page event, or why the body is not one (Problem: malformed; Ignored: an event or incident that is not a ShipRoom page's).</summary>
    public static (PagerDutyPageEvent? Event, string? Problem, string? Ignored) Read(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return (null, "the body is not JSON", null);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("event", out var e) || e.ValueKind != JsonValueKind.Object)
            {
                return (null, "expected a PagerDuty V3 webhook: {\"event\": {\"id\", \"event_type\", \"occurred_at\", \"agent\", \"data\"}}", null);
            }

            var type = Text(e, "event_type") ?? "";
            if (!Events.Contains(type, StringComparer.Ordinal))
            {
                return (null, null, $"PagerDuty event '{type}' is not shown on the dashboard");
            }

            if (Text(e, "id") is not { Length: > 0 and <= 200 } eventId)
            {
                return (null, "event.id is required (at most 200 characters)", null);
            }

            if (!e.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return (null, "event.data (the incident) is required", null);
            }

            var key = Text(data, "incident_key");
            var match = key is null ? null : PageKeyPattern().Match(key);
            if (match is not { Success: true } || !long.TryParse(match.Groups["rollout"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rolloutId))
            {
                return (null, null, "the incident was not opened by a ShipRoom page (its incident_key is not shiproom-{rollout}-{cause})");
            }

            var occurred = DateTimeOffset.TryParse(Text(e, "occurred_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
            if (occurred is null)
            {
                return (null, "event.occurred_at must be an ISO 8601 time", null);
            }

            var agent = e.TryGetProperty("agent", out var a) && a.ValueKind == JsonValueKind.Object ? Text(a, "summary") : null;
            var url = Text(data, "html_url");
            return (new PagerDutyPageEvent(
                rolloutId,
                key!,
                match.Groups["cause"].Value,
                eventId,
                type,
                agent is null ? null : agent.Length <= MaxAgentLength ? agent : agent[..MaxAgentLength],
                url is not null && Core.Plans.WebLink.IsHttp(url) && url.Length <= 2000 ? url : null,
                occurred.Value), null, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^shiproom-(?<rollout>[0-9]{1,18})-(?<cause>red|hold|rollback)$", RegexOptions.CultureInvariant)]
    private static partial Regex PageKeyPattern();
}
