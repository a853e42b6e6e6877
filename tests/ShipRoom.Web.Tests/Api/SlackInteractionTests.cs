using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.ChatActions;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// Hold / Roll back from Slack buttons: signed requests from a real HttpClient to the app on 127.0.0.1, the outcome
/// answered to a response_url receiver on 127.0.0.1; forged, stale and replayed requests refused; an unmapped clicker
/// and a clicker without the role refused and audited.
/// </summary>
public sealed class SlackInteractionTests : IAsyncLifetime
{
    private const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private readonly LocalEndpoint _slack = new();
    private ShipRoomAppFactory _factory = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _factory = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Notifications:Slack:SigningSecret"] = SigningSecret,
            ["ShipRoom:Notifications:Slack:ResponseUrlPrefix"] = _slack.Url(""),
        }, useKestrel: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private static string Body(string userId, string? userName, string actionId, long rolloutId, string actionTs, string responseUrl) =>
        "payload=" + Uri.EscapeDataString(JsonSerializer.Serialize(new
        {
            type = "block_actions",
            user = new { id = userId, username = userName },
            response_url = responseUrl,
            actions = new[] { new { action_id = actionId, block_id = "shiproom_commands", value = rolloutId.ToString(System.Globalization.CultureInfo.InvariantCulture), action_ts = actionTs } },
        }));

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient client, string body, DateTimeOffset at, string? signature = null)
    {
        var ts = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/slack/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add(SlackSignature.TimestampHeader, ts);
        request.Headers.Add(SlackSignature.SignatureHeader, signature ?? SlackSignature.Sign(ts, body, SigningSecret));
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    [Fact]
    public async Task A_mapped_ic_holds_and_rolls_back_from_slack_and_forged_stale_replayed_unmapped_and_unauthorised_clicks_are_refused()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var users = _factory.Services.GetRequiredService<IUserRepository>();
        await users.CreateAsync("jane", "Jane Doe", "not-a-hash", [Roles.IncidentCommander], DateTimeOffset.UtcNow, Ct);
        await users.CreateAsync("vic", "Vic Viewer", "not-a-hash", [Roles.Viewer], DateTimeOffset.UtcNow, Ct);
        var roster = _factory.Services.GetRequiredService<IRosterRepository>();
        await roster.UpsertAsync(id, new RosterEntry(Roles.IncidentCommander, "Jane Doe", null, "@jane", null, null, null, null, null, 1), Ct);
        await roster.UpsertAsync(id, new RosterEntry(Roles.DataLead, "vic", null, "<@U0VIC>", null, null, null, null, null, 2), Ct);
        var rollouts = _factory.Services.GetRequiredService<IRolloutRepository>();
        var audit = _factory.Services.GetRequiredService<IAuditLog>();
        using var client = new HttpClient { BaseAddress = _factory.ServerAddress };
        var now = DateTimeOffset.UtcNow;

        var hold = Body("U0JANE", "jane", "shiproom_hold", id, "1764680000.000100", _slack.Url("thread/1"));
        var (status, json) = await SendAsync(client, hold, now);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("@jane (jane): hold", json.GetProperty("text").GetString());
        Assert.Equal(RolloutStatus.Held, (await rollouts.GetAsync(id, Ct))!.Status);
        var answered = Assert.Single(_slack.Received, r => r.Path == "/thread/1");
        Assert.Contains("@jane (jane): hold", JsonDocument.Parse(answered.Body).RootElement.GetProperty("text").GetString());
        var decision = (await _factory.Services.GetRequiredService<IDecisionRepository>().ListAsync(id, 5, Ct)).First(d => d.Kind == RolloutCommand.Hold);
        Assert.Equal(("jane", "Hold clicked from slack by @jane"), (decision.Actor, decision.Reason));

        Assert.Contains("replay", (await SendAsync(client, hold, now)).Json.GetProperty("error").GetString());
        var forged = Body("U0JANE", "jane", "shiproom_rollback", id, "1764680000.000200", _slack.Url("thread/1"));
        var wrong = await SendAsync(client, forged, now, SlackSignature.Sign(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), forged, "another-secret-of-enough-length"));
        Assert.Equal((HttpStatusCode.Unauthorized, "the signature does not match"), (wrong.Status, wrong.Json.GetProperty("error").GetString()));
        var stale = await SendAsync(client, forged, now.AddMinutes(-6));
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal(RolloutStatus.Held, (await rollouts.GetAsync(id, Ct))!.Status);

        var stranger = await SendAsync(client, Body("U0NOBODY", "mallory", "shiproom_rollback", id, "1764680000.000300", _slack.Url("thread/2")), now);
        Assert.Contains("refused — you are not on this rollout's roster", stranger.Json.GetProperty("text").GetString());
        Assert.Single(await audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "chat.refused"), Ct));

        var viewer = await SendAsync(client, Body("U0VIC", "vic", "shiproom_rollback", id, "1764680000.000400", _slack.Url("thread/3")), now);
        Assert.Contains("(vic): refused — rollback needs one of these roles", viewer.Json.GetProperty("text").GetString());
        Assert.Contains(await audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "command.forbidden"), Ct), e => e.Actor == "vic");
        Assert.Equal(RolloutStatus.Held, (await rollouts.GetAsync(id, Ct))!.Status);

        var rollback = await SendAsync(client, Body("U0JANE", "jane", "shiproom_rollback", id, "1764680000.000500", _slack.Url("thread/4")), now);
        Assert.Equal(HttpStatusCode.OK, rollback.Status);
        Assert.Equal(RolloutStatus.RolledBack, (await rollouts.GetAsync(id, Ct))!.Status);
    }
}
