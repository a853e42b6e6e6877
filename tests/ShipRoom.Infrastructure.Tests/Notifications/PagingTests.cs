using System.Text.Json;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// Paging end to end: a PagerDuty-shaped Events API v2 receiver and a generic paging webhook on 127.0.0.1, a rollout
/// on the simulator rolled back by its trigger through the real poller, command service and outbox.
/// </summary>
public abstract class PagingTests(IStorageEngine engine) : IAsyncDisposable
{
    private const string RoutingKey = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";
    private const string PagingSecret = "a-paging-secret-of-enough-length";
    private readonly LocalEndpoint _receiver = new() { Status = 202, Body = """{"status":"success","message":"Event processed","dedup_key":"x"}""" };

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private Task<RolloutTestHost> HostAsync() => RolloutTestHost.CreateAsync(engine, settings: new Dictionary<string, string?>
    {
        ["ShipRoom:Notifications:PagerDuty:RoutingKey"] = RoutingKey,
        ["ShipRoom:Notifications:PagerDuty:EventsUrl"] = _receiver.Url("v2/enqueue"),
        ["ShipRoom:Notifications:PagingWebhook:Url"] = _receiver.Url("page"),
        ["ShipRoom:Notifications:PagingWebhook:Secret"] = PagingSecret,
        ["ShipRoom:Notifications:DashboardUrl"] = "https://shiproom.example.com",
    });

    private List<JsonElement> Received(string path) =>
        _receiver.Received.Where(r => r.Path == "/" + path).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();

    [Fact]
    public async Task An_automatic_rollback_pages_pagerduty_once_per_cause_and_red_resolves_when_it_clears()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync("latency-regression");
        var queue = host.Get<PostQueue>();
        var delivery = host.Get<PostDelivery>();
        for (var i = 0; i < 12 && (await host.Database.Rollouts.GetAsync(id, Ct))!.Status != RolloutStatus.RolledBack; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            await queue.QueueDueAsync(Ct);
            await delivery.SendDueAsync(Ct);
        }

        Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        await queue.QueueDueAsync(Ct);
        await delivery.SendDueAsync(Ct);
        Assert.Equal(0, await queue.QueueDueAsync(Ct)); // looking again queues nothing twice

        var events = Received("v2/enqueue");
        Assert.All(events, e => Assert.Equal(RoutingKey, e.GetProperty("routing_key").GetString()));
        var rollback = Assert.Single(events, e => e.GetProperty("dedup_key").GetString() == $"shiproom-{id}-rollback");
        Assert.Equal("trigger", rollback.GetProperty("event_action").GetString());
        Assert.Equal("critical", rollback.GetProperty("payload").GetProperty("severity").GetString());
        Assert.StartsWith("ShipRoom rolled back ", rollback.GetProperty("payload").GetProperty("summary").GetString());
        Assert.Equal("ShipRoom", rollback.GetProperty("payload").GetProperty("source").GetString());
        Assert.Equal($"https://shiproom.example.com/rollouts/{id}", rollback.GetProperty("links")[0].GetProperty("href").GetString());

        // RED paged while the gate was RED and resolved once the rollout ended; the recorded-only rollback stays open for a person.
        var red = events.Where(e => e.GetProperty("dedup_key").GetString() == $"shiproom-{id}-red").Select(e => e.GetProperty("event_action").GetString()).ToList();
        Assert.Equal(["trigger", "resolve"], red);
        Assert.DoesNotContain(events, e => e.GetProperty("dedup_key").GetString() == $"shiproom-{id}-rollback" && e.GetProperty("event_action").GetString() == "resolve");

        // The generic paging webhook: the same pages, signed; the routing key is nowhere but in PagerDuty's requests.
        var hook = _receiver.Received.Where(r => r.Path == "/page").ToList();
        Assert.Equal(events.Count, hook.Count);
        Assert.All(hook, r => Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(r.Body, PagingSecret), r.Headers[WebhookDeployExecutor.SignatureHeader]));
        Assert.Contains(hook, r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event").GetString() == "page.trigger" && r.Body.Contains($"shiproom-{id}-rollback", StringComparison.Ordinal));
        Assert.DoesNotContain(hook, r => r.Body.Contains(RoutingKey, StringComparison.Ordinal));
        var stored = await host.Get<INotificationRepository>().ListAsync(id, 1000, Ct);
        Assert.Contains(stored, n => n.Channel == ChannelNames.PagerDuty && n.SentAt is not null);
        Assert.DoesNotContain(stored, n => n.Payload.Contains(RoutingKey, StringComparison.Ordinal) || n.Title.Contains(RoutingKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_margin_drift_pages_the_role_the_roster_names_on_it_with_their_chat_handle_and_no_one_is_named_on_what_they_did_not_ask()
    {
        await using var host = await HostAsync();
        // Directive 004's executive: "page me on any RED or >3% margin deviation" (plan: roster executive page: [red, margin]).
        var id = await host.StartRolloutAsync("cost-drift");
        await host.Get<ShipRoom.Infrastructure.Rollouts.Commands.RosterService>().UpdateAsync(id, new RosterEntry("executive", "Casey Exec", "+1 415 555 0199", "U0EXEC", "America/New_York", null, null, null, null, 1),
            RolloutTestHost.Person("releng", Core.Security.Roles.ReleaseEngineer), Ct);
        var queue = host.Get<PostQueue>();
        var delivery = host.Get<PostDelivery>();
        for (var i = 0; i < 6 && !Received("v2/enqueue").Any(e => e.GetProperty("dedup_key").GetString() == $"shiproom-{id}-margin"); i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            await queue.QueueDueAsync(Ct);
            await delivery.SendDueAsync(Ct);
        }

        var margin = Assert.Single(Received("v2/enqueue"), e => e.GetProperty("dedup_key").GetString() == $"shiproom-{id}-margin");
        Assert.Equal(("trigger", "warning"), (margin.GetProperty("event_action").GetString(), margin.GetProperty("payload").GetProperty("severity").GetString()));
        Assert.Contains("from control (more than 3%)", margin.GetProperty("payload").GetProperty("summary").GetString());
        Assert.Equal(["Executive approver (CEO, tie-break): U0EXEC"],
            margin.GetProperty("payload").GetProperty("custom_details").GetProperty("page_roles").EnumerateArray().Select(r => r.GetString()));
        var hook = Assert.Single(Received("page"), e => e.GetProperty("dedupKey").GetString() == $"shiproom-{id}-margin");
        var recipient = Assert.Single(hook.GetProperty("recipients").EnumerateArray());
        Assert.Equal(("executive", "U0EXEC"), (recipient.GetProperty("role").GetString(), recipient.GetProperty("chat").GetString()));
        // Chat handles only: the roster's phone number never leaves the dashboard.
        Assert.DoesNotContain(_receiver.Received, r => r.Body.Contains("555 0199", StringComparison.Ordinal));
    }

    [Fact]
    public void A_routing_key_that_is_not_one_is_refused_at_start_up_without_repeating_it()
    {
        var options = new NotificationOptions { PagerDuty = { RoutingKey = "not a key: hunter2" } };
        var result = new NotificationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("PagerDuty:RoutingKey is not an Events API v2 routing key", result.FailureMessage);
        Assert.DoesNotContain("hunter2", result.FailureMessage);
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions { PagerDuty = { RoutingKey = RoutingKey } }).Succeeded);
    }
}

public sealed class SqlitePagingTests() : PagingTests(new SqliteEngine());

public sealed class PostgresPagingTests(PostgresServer server) : PagingTests(new PostgresEngine(server));
