using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// POST /api/rollouts/{id}/signals over real HTTP on 127.0.0.1, on each storage engine: the shipped 1% → 100% plan
/// rolls back on "any PII risk" and a P0, holds on a P1 (also from a PagerDuty webhook body), and says who raised it.
/// </summary>
public abstract class SignalApiTests : EngineApiTests
{
    private static Task<HttpResponseMessage> RaiseAsync(HttpClient client, long id, object body) => client.PostAsJsonAsync($"/api/rollouts/{id}/signals", body, Ct);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private static JsonElement Trigger(JsonElement snapshot, string key) =>
        snapshot.GetProperty("verdict").GetProperty("triggers").EnumerateArray().Single(t => t.GetProperty("key").GetString() == key);

    [Fact]
    public async Task A_pii_risk_signal_rolls_back_at_once_and_the_board_says_who_raised_it()
    {
        var id = await ApiTestHost.RunningRolloutAsync(Factory);
        using var security = await ClientAsync(Roles.SecurityLead);
        Assert.StartsWith("http://127.0.0.1:", security.BaseAddress!.ToString());

        var response = await RaiseAsync(security, id, new { kind = "pii-risk", source = "log-scanner", summary = "Email addresses in checkout logs", url = "https://incidents.example.com/42" });
        var body = await JsonAsync(response);
        var snapshot = JsonDocument.Parse(await security.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("RolledBack", body.GetProperty("rolloutStatus").GetString());
        Assert.Contains("trigger Any PII risk fired (ROLL BACK)", body.GetProperty("message").GetString());
        var trigger = Trigger(snapshot, "signal-pii-risk");
        Assert.Equal("fired", trigger.GetProperty("state").GetString());
        var signal = trigger.GetProperty("signals").EnumerateArray().Single();
        Assert.Equal("log-scanner", signal.GetProperty("source").GetString());
        Assert.StartsWith("token:", signal.GetProperty("raisedBy").GetString());
        Assert.Contains("raised by token:", trigger.GetProperty("reason").GetString());
        Assert.Equal("rolledBack", snapshot.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_pagerduty_p1_webhook_holds_once_however_often_it_is_delivered_and_a_resolve_is_ignored()
    {
        var id = await ApiTestHost.RunningRolloutAsync(Factory);
        using var ic = await ClientAsync(Roles.IncidentCommander);
        var triggered = new
        {
            @event = new
            {
                id = "01DEN3M1WYT6H8IBJCQ6KNZT2Q",
                event_type = "incident.triggered",
                resource_type = "incident",
                occurred_at = "2026-12-02T10:00:00Z",
                data = new { id = "PGR0VU2", type = "incident", title = "Checkout latency in us-west-2", html_url = "https://acme.pagerduty.com/incidents/PGR0VU2", priority = new { summary = "P1" } },
            },
        };

        var first = await RaiseAsync(ic, id, triggered);
        var again = await RaiseAsync(ic, id, triggered);
        var resolved = await RaiseAsync(ic, id, new { @event = new { event_type = "incident.resolved", data = new { id = "PGR0VU2" } } });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("Held", (await JsonAsync(first)).GetProperty("rolloutStatus").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Duplicate", (await JsonAsync(again)).GetProperty("status").GetString());
        Assert.Equal("Ignored", (await JsonAsync(resolved)).GetProperty("status").GetString());
        var snapshot = JsonDocument.Parse(await ic.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement;
        var signal = Trigger(snapshot, "signal-p1").GetProperty("signals").EnumerateArray().Single();
        Assert.Equal(("p1", "pagerduty", "Checkout latency in us-west-2"), (signal.GetProperty("kind").GetString(), signal.GetProperty("source").GetString(), signal.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task A_viewer_may_not_raise_a_signal_and_a_malformed_one_is_refused_with_the_reason()
    {
        var id = await ApiTestHost.RunningRolloutAsync(Factory);
        using var viewer = await ClientAsync(Roles.Viewer);
        using var ic = await ClientAsync(Roles.IncidentCommander);

        var forbidden = await RaiseAsync(viewer, id, new { kind = "p0", source = "me", summary = "stop it" });
        var badKind = await RaiseAsync(ic, id, new { kind = "P0 NOW!", source = "me", summary = "stop it" });
        var badUrl = await RaiseAsync(ic, id, new { kind = "p0", source = "me", summary = "stop it", url = "javascript:alert(1)" });
        var missing = await RaiseAsync(ic, 999_999, new { kind = "p0", source = "me", summary = "stop it" });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badKind.StatusCode);
        Assert.Contains("kind must be a signal kind", (await JsonAsync(badKind)).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badUrl.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var snapshot = JsonDocument.Parse(await ic.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement;
        Assert.Equal("running", snapshot.GetProperty("status").GetString());
        Assert.Empty(Trigger(snapshot, "signal-p0").GetProperty("signals").EnumerateArray());
    }
}

public sealed class SqliteSignalApiTests : SignalApiTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> StorageAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

public sealed class PostgresSignalApiTests(PostgresServer postgres) : SignalApiTests
{
    private readonly PostgresStorage _storage = new(postgres, "signals");

    protected override Task<IReadOnlyDictionary<string, string?>> StorageAsync() => _storage.SettingsAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
