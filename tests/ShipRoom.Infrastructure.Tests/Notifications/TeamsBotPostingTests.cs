using System.Text.Json;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// The Teams bot sends the cards, so Teams routes their Action.Execute buttons back to it: a stand-in Microsoft token
/// endpoint and Bot Connector on 127.0.0.1 receive the client-credentials request and the card.
/// </summary>
public abstract class TeamsBotPostingTests(IStorageEngine engine) : IAsyncDisposable
{
    private const string AppId = "5f1c2a7e-8d3b-4c6a-9e0f-1a2b3c4d5e6f";
    private const string Password = "bot-client-secret-never-stored";
    private readonly LocalEndpoint _microsoft = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _microsoft.DisposeAsync();

    [Fact]
    public async Task Cards_are_sent_by_the_bot_into_the_conversation_with_buttons_and_one_token_serves_several_posts()
    {
        _microsoft.Answer = (_, path) => path == "/token" ? (200, """{"token_type":"Bearer","expires_in":3599,"access_token":"connector-token-1"}""") : (201, """{"id":"1:abc"}""");
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: new Dictionary<string, string?>
        {
            ["ShipRoom:Notifications:Teams:BotAppId"] = AppId,
            ["ShipRoom:Notifications:Teams:BotAppPassword"] = Password,
            ["ShipRoom:Notifications:Teams:ServiceUrl"] = _microsoft.Url("amer/"),
            ["ShipRoom:Notifications:Teams:ConversationId"] = "19:shiproom@thread.tacv2",
            ["ShipRoom:Notifications:Teams:TokenUrl"] = _microsoft.Url("token"),
        });
        var id = await host.StartRolloutAsync();
        Assert.Equal(CommandStatus.Executed, (await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Hold, RolloutTestHost.IncidentCommander, "checking"), Ct)).Status);
        Assert.Equal(CommandStatus.Executed, (await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Resume, RolloutTestHost.IncidentCommander, "fine"), Ct)).Status);

        await host.Get<PostQueue>().QueueDueAsync(Ct);
        await host.Get<PostDelivery>().SendDueAsync(Ct);

        var token = Assert.Single(_microsoft.Received, r => r.Path == "/token");
        Assert.Contains("grant_type=client_credentials", token.Body);
        Assert.Contains($"client_id={AppId}", token.Body);
        Assert.Contains("scope=https%3A%2F%2Fapi.botframework.com%2F.default", token.Body);
        var cards = _microsoft.Received.Where(r => r.Path.StartsWith("/amer/v3/conversations/", StringComparison.Ordinal)).ToList();
        Assert.True(cards.Count >= 2, $"the T-0, hold and resume posts go to the conversation; {cards.Count} arrived");
        Assert.All(cards, c => Assert.Equal("Bearer connector-token-1", c.Headers["Authorization"]));
        Assert.All(cards, c => Assert.EndsWith("/activities", c.Path));
        var card = JsonDocument.Parse(cards[0].Body).RootElement.GetProperty("attachments")[0].GetProperty("content");
        Assert.Contains(card.GetProperty("actions").EnumerateArray(), a => a.GetProperty("type").GetString() == "Action.Execute" && a.GetProperty("verb").GetString() == ChannelPayloads.ChatButtons.RollBack);
        var stored = await host.Get<INotificationRepository>().ListAsync(id, 100, Ct);
        Assert.Contains(stored, n => n.Channel == ChannelNames.Teams && n.SentAt is not null);
        Assert.DoesNotContain(stored, n => n.Payload.Contains(Password, StringComparison.Ordinal) || n.Payload.Contains("connector-token-1", StringComparison.Ordinal));
    }
}

public sealed class TeamsBotOptionsTests
{
    [Fact]
    public void A_bot_half_configured_is_refused_at_start_up_naming_what_is_missing_without_repeating_the_secret()
    {
        var options = new NotificationOptions { Teams = { BotAppId = "5f1c2a7e-8d3b-4c6a-9e0f-1a2b3c4d5e6f", BotAppPassword = "hunter2-bot-secret" } };

        var result = new NotificationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("missing: ShipRoom:Notifications:Teams:ServiceUrl, ShipRoom:Notifications:Teams:ConversationId", result.FailureMessage);
        Assert.DoesNotContain("hunter2", result.FailureMessage);
        Assert.False(options.Teams.Interactive);
    }
}

public sealed class SqliteTeamsBotPostingTests() : TeamsBotPostingTests(new SqliteEngine());

public sealed class PostgresTeamsBotPostingTests(PostgresServer server) : TeamsBotPostingTests(new PostgresEngine(server));
