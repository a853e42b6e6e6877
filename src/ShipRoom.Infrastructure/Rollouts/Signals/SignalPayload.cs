using System.Text.Json;
using System.Text.RegularExpressions;
using ShipRoom.Core;
using ShipRoom.Core.Plans;

namespace ShipRoom.Infrastructure.Rollouts.Signals;

/// <summary>A signal as asked for: <see cref="DedupKey"/> makes a retried delivery a no-op.</summary>
public sealed record SignalRequest(string Kind, string Source, string Summary, string? Url, string? DedupKey);

/// <summary>
/// Reads the body of <c>POST /api/rollouts/{id}/signals</c>: ShipRoom's own shape
/// <c>{"kind": "p0", "source": "pagerduty", "summary": "…", "url": "https://…", "key": "INC-42"}</c>, or a PagerDuty
/// V3 webhook (<c>{"event": {"event_type": "incident.triggered", "data": {"id", "title", "html_url", "priority": {"summary": "P1"}}}}</c>):
/// the priority becomes the kind (P1 → p1; no priority: <c>incident</c>), the title the summary, the incident id the dedup key.
/// </summary>
public static partial class SignalPayload
{
    public const int MaxKindLength = 40;
    public const int MaxSourceLength = 100;
    public const int MaxSummaryLength = 1000;
    public const int MaxUrlLength = 2000;

    /// <summary>The PagerDuty events that open or raise an incident; the others (acknowledged, resolved …) are not signals.</summary>
    public static readonly IReadOnlyList<string> PagerDutyEvents = ["incident.triggered", "incident.priority_updated", "incident.escalated", "incident.reopened"];

    /// <summary>The request, or why not (Problem), or that the body is a webhook event ShipRoom ignores (Ignored).</summary>
    public static (SignalRequest? Request, string? Problem, string? Ignored) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "send a JSON object: {\"kind\": \"p0\", \"source\": \"…\", \"summary\": \"…\", \"url\": \"https://…\"}", null);
        }

        return body.TryGetProperty("event", out var pagerDuty) && pagerDuty.ValueKind == JsonValueKind.Object
            ? ReadPagerDuty(pagerDuty)
            : Validate(new SignalRequest(Text(body, "kind")?.ToLowerInvariant() ?? "", Text(body, "source") ?? "", Text(body, "summary") ?? "", Text(body, "url"), Text(body, "key")));
    }

    private static (SignalRequest?, string?, string?) ReadPagerDuty(JsonElement pagerDuty)
    {
        var type = Text(pagerDuty, "event_type") ?? "";
        if (!PagerDutyEvents.Contains(type, StringComparer.Ordinal))
        {
            return (null, null, $"PagerDuty event '{type}' is not a signal (ShipRoom acts on {string.Join(", ", PagerDutyEvents)})");
        }

        if (!pagerDuty.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return (null, "a PagerDuty event needs its data object (the incident)", null);
        }

        var priority = data.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Object ? Text(p, "summary") : null;
        var kind = priority is not null && PriorityPattern().IsMatch(priority) ? priority.ToLowerInvariant() : "incident";
        var id = Text(data, "id");
        var title = Text(data, "title") ?? Text(data, "summary") ?? "";
        return Validate(new SignalRequest(kind, "pagerduty", title, Text(data, "html_url"), id is null ? null : $"pagerduty:{id}:{kind}"));
    }

    private static (SignalRequest?, string?, string?) Validate(SignalRequest request)
    {
        string? problem = null;
        if (request.Kind.Length is 0 or > MaxKindLength || !KindPattern().IsMatch(request.Kind))
        {
            problem = $"kind must be a signal kind like p0, p1 or pii-risk (lowercase letters, digits and '-', at most {MaxKindLength})";
        }
        else if (string.IsNullOrWhiteSpace(request.Source) || request.Source.Length > MaxSourceLength)
        {
            problem = $"source is required (who or what raises it, e.g. pagerduty), at most {MaxSourceLength} characters";
        }
        else if (string.IsNullOrWhiteSpace(request.Summary) || request.Summary.Length > MaxSummaryLength)
        {
            problem = $"summary is required, at most {MaxSummaryLength} characters";
        }
        else if (request.Url is { } url && (url.Length > MaxUrlLength || !WebLink.IsHttp(url)))
        {
            problem = "url must be an http(s) link to the incident";
        }
        else if (request.DedupKey is { Length: > 200 })
        {
            problem = "key is at most 200 characters";
        }

        return problem is null
            ? (request with { Source = OneLineText.Of(request.Source), Summary = OneLineText.Of(request.Summary) }, null, null)
            : (null, problem, null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text.Trim() : null;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex KindPattern();

    [GeneratedRegex(@"^[Pp][0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex PriorityPattern();
}
