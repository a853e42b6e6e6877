using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// A page as each paging channel takes it: a PagerDuty Events API v2 event (its routing key is added only as it is
/// sent, so the secret is never stored in the outbox) and a plain JSON document for a generic paging webhook.
/// </summary>
public static class PagePayloads
{
    public static string For(string channel, PageEvent page, string? dashboardBaseUrl, DateTimeOffset at)
    {
        var dashboard = dashboardBaseUrl is { Length: > 0 } baseUrl ? $"{baseUrl.TrimEnd('/')}/rollouts/{page.RolloutId}" : null;
        if (channel != ChannelNames.PagerDuty)
        {
            return JsonSerializer.Serialize(new
            {
                @event = $"page.{page.Action}",
                page.Cause,
                dedupKey = page.DedupKey,
                rolloutId = page.RolloutId,
                page.Summary,
                page.Severity,
                page.Release,
                page.Phase,
                recipients = page.Recipients.Select(r => new { r.Role, r.Title, r.Chat }),
                dashboardUrl = dashboard,
                at,
            }, Json);
        }

        var body = new JsonObject
        {
            ["routing_key"] = "",
            ["event_action"] = page.Action,
            ["dedup_key"] = page.DedupKey,
        };
        if (page.Action == PagePlanner.Trigger)
        {
            body["payload"] = new JsonObject
            {
                ["summary"] = page.Summary.Length <= 1024 ? page.Summary : page.Summary[..1023] + "…",
                ["source"] = "ShipRoom",
                ["severity"] = page.Severity,
                ["timestamp"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["component"] = page.Release,
                ["group"] = page.Phase,
                ["class"] = page.Cause,
                ["custom_details"] = new JsonObject
                {
                    ["rollout_id"] = page.RolloutId,
                    ["cause"] = page.Cause,
                    // Who the plan's roster names on this cause: chat handles only, as in every post.
                    ["page_roles"] = new JsonArray(page.Recipients.Select(r => (JsonNode)JsonValue.Create($"{r.Title}: {r.Chat ?? "no chat handle on the roster"}")).ToArray()),
                },
            };
            if (dashboard is not null)
            {
                body["links"] = new JsonArray(new JsonObject { ["href"] = dashboard, ["text"] = "Open the ship room" });
            }
        }

        return body.ToJsonString();
    }

    /// <summary>The stored PagerDuty event with the routing key filled in, just before it is sent.</summary>
    public static string WithRoutingKey(string payload, string routingKey)
    {
        var node = JsonNode.Parse(payload)!.AsObject();
        node["routing_key"] = routingKey;
        return node.ToJsonString();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
