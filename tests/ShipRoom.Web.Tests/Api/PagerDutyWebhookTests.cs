using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// POST /api/paging/pagerduty over real HTTP on 127.0.0.1, on each storage engine: PagerDuty's V3 webhooks on the
/// incidents ShipRoom's pages opened show on the rollout's dashboard (acknowledged by whom, then resolved), are
/// audited once however often they are delivered, and anything unsigned or not a ShipRoom page changes nothing.
/// </summary>
public abstract class PagerDutyWebhookTests : EngineApiTests
{
    private const string Secret = "pd-v3-subscription-secret-0123456789";

    protected static IReadOnlyDictionary<string, string?> WithWebhookSecret(IReadOnlyDictionary<string, string?> storage) =>
        new Dictionary<string, string?>(storage) { ["ShipRoom:Notifications:PagerDuty:WebhookSecret"] = Secret };

    private static string Event(string eventId, string type, long rolloutId, string cause, string? agent, string occurredAt = "2026-12-02T10:05:00Z") => JsonSerializer.Serialize(new
    {
        @event = new
        {
            id = eventId,
            event_type = type,
            resource_type = "incident",
            occurred_at = occurredAt,
            agent = agent is null ? null : new { id = "PLH1HKV", summary = agent, type = "user_reference" },
            data = new
            {
                id = "PGR0VU2",
                type = "incident",
                html_url = "https://acme.pagerduty.com/incidents/PGR0VU2",
                incident_key = $"shiproom-{rolloutId}-{cause}",
                status = type["incident.".Length..],
                title = "ShipRoom rolled back checkout",
            },
        },
    });

    private static async Task<HttpResponseMessage> DeliverAsync(HttpClient client, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/paging/pagerduty") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(PagerDutyWebhook.SignatureHeader, signature);
        }

        return await client.SendAsync(request, Ct);
    }

    private static Task<HttpResponseMessage> DeliverSignedAsync(HttpClient client, string body) => DeliverAsync(client, body, PagerDutyWebhook.Sign(body, Secret));

    private static async Task<string?> StatusOfAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString();

    private async Task<JsonElement[]> PagingAsync(long id)
    {
        using var viewer = await ClientAsync(Roles.Viewer);
        return JsonDocument.Parse(await viewer.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement.GetProperty("paging").EnumerateArray().ToArray();
    }

    [Fact]
    public async Task An_acknowledgement_shows_who_has_the_page_once_however_often_it_is_delivered_then_the_resolution()
    {
        var id = await ApiTestHost.RunningRolloutAsync(Factory);
        using var pagerDuty = await ClientAsync();
        var acknowledged = Event("01DEN3M1WYT6H8IBJCQ6KNZT2Q", "incident.acknowledged", id, "rollback", "Tenex Engineer");

        var first = await DeliverSignedAsync(pagerDuty, acknowledged);
        var again = await DeliverSignedAsync(pagerDuty, acknowledged);
        var afterAcknowledgement = await PagingAsync(id);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("recorded", await StatusOfAsync(first));
        Assert.Equal("duplicate", await StatusOfAsync(again));
        var page = Assert.Single(afterAcknowledgement);
        Assert.Equal(("rollback", "acknowledged", "Tenex Engineer"), (page.GetProperty("cause").GetString(), page.GetProperty("state").GetString(), page.GetProperty("by").GetString()));
        Assert.Equal("https://acme.pagerduty.com/incidents/PGR0VU2", page.GetProperty("incidentUrl").GetString());
        var audit = Factory.Services.GetRequiredService<IAuditLog>();
        var entry = Assert.Single(await audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "page.acknowledged"), Ct));
        Assert.Contains("acknowledged by Tenex Engineer", entry.Summary);

        var resolved = await DeliverSignedAsync(pagerDuty, Event("01DEN3M1WYT6H8IBJCQ6KNZT2R", "incident.resolved", id, "rollback", "Tenex Engineer", "2026-12-02T10:20:00Z"));

        Assert.Equal("recorded", await StatusOfAsync(resolved));
        Assert.Equal("resolved", Assert.Single(await PagingAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Unsigned_foreign_or_malformed_deliveries_change_nothing_and_a_rotated_secret_still_verifies()
    {
        var id = await ApiTestHost.RunningRolloutAsync(Factory);
        using var anyone = await ClientAsync();
        var body = Event("evt-forged", "incident.acknowledged", id, "red", "Mallory");

        var unsigned = await DeliverAsync(anyone, body, null);
        var forged = await DeliverAsync(anyone, body, PagerDutyWebhook.Sign(body, "not-the-subscription-secret"));
        var otherIncident = await DeliverSignedAsync(anyone, body.Replace($"shiproom-{id}-red", "checkout-latency-42", StringComparison.Ordinal));
        var note = await DeliverSignedAsync(anyone, body.Replace("incident.acknowledged", "incident.annotated", StringComparison.Ordinal));
        var garbage = await DeliverSignedAsync(anyone, "{\"event\": [");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("ignored", await StatusOfAsync(otherIncident));
        Assert.Equal("ignored", await StatusOfAsync(note));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Empty(await PagingAsync(id));

        // While PagerDuty rotates the secret it sends two signatures: one that matches is enough.
        var rotated = await DeliverAsync(anyone, body, $"{PagerDutyWebhook.Sign(body, "the-old-secret-0123456789")},{PagerDutyWebhook.Sign(body, Secret)}");

        Assert.Equal("recorded", await StatusOfAsync(rotated));
        Assert.Equal("Mallory", Assert.Single(await PagingAsync(id)).GetProperty("by").GetString());
    }
}

public sealed class SqlitePagerDutyWebhookTests : PagerDutyWebhookTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> StorageAsync() => Task.FromResult(WithWebhookSecret(new Dictionary<string, string?>()));
}

public sealed class PostgresPagerDutyWebhookTests(PostgresServer postgres) : PagerDutyWebhookTests
{
    private readonly PostgresStorage _storage = new(postgres, "pagerduty");

    protected override async Task<IReadOnlyDictionary<string, string?>> StorageAsync() => WithWebhookSecret(await _storage.SettingsAsync());

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
