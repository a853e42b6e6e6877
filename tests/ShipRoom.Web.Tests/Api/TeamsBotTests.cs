using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// Hold / Roll back from a Teams card's Action.Execute buttons: Bot Framework invoke activities from a real HttpClient
/// to the app on 127.0.0.1, each with a token signed by a key the stand-in Bot Framework publishes (OpenID metadata and
/// JWKS on 127.0.0.1); a token signed by another key, for another bot or missing is refused, a repeated activity is done
/// once, and a clicker not on the roster is refused and audited.
/// </summary>
public sealed class TeamsBotTests : IAsyncLifetime
{
    private const string AppId = "5f1c2a7e-8d3b-4c6a-9e0f-1a2b3c4d5e6f";
    private const string JaneObjectId = "0b9f3c1e-2d4a-4f5b-8c6d-7e8f9a0b1c2d";
    private readonly LocalEndpoint _botFramework = new();
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "bf-key-1" };
    private ShipRoomAppFactory _factory = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
        var keys = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        var metadata = JsonSerializer.Serialize(new { issuer = BotFrameworkTokens.Issuer, jwks_uri = _botFramework.Url("keys"), id_token_signing_alg_values_supported = new[] { "RS256" } });
        _botFramework.Answer = (_, path) => path == "/keys" ? (200, keys) : (200, metadata);
        _factory = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Notifications:Teams:BotAppId"] = AppId,
            ["ShipRoom:Notifications:Teams:OpenIdMetadataUrl"] = _botFramework.Url("openid"),
            ["ShipRoom:Notifications:Teams:BotAppPassword"] = "bot-client-secret-for-the-test",
            ["ShipRoom:Notifications:Teams:ServiceUrl"] = _botFramework.Url("connector/"),
            ["ShipRoom:Notifications:Teams:ConversationId"] = "19:shiproom@thread.tacv2",
            ["ShipRoom:Notifications:Teams:TokenUrl"] = _botFramework.Url("token"),
        }, useKestrel: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _botFramework.DisposeAsync();
    }

    private string Token(SecurityKey? key = null, string audience = AppId, string issuer = BotFrameworkTokens.Issuer, DateTime? expires = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = audience,
        NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-30),
        IssuedAt = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-30),
        Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.RsaSha256),
    });

    private static string Invoke(string activityId, string objectId, string verb, long rolloutId) => JsonSerializer.Serialize(new
    {
        type = "invoke",
        name = "adaptiveCard/action",
        id = activityId,
        from = new { id = "29:1abc", aadObjectId = objectId, name = "Jane Doe" },
        value = new { action = new { type = "Action.Execute", verb, data = new { rolloutId = rolloutId.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
    });

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/teams/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_mapped_ic_holds_from_a_teams_card_once_and_forged_foreign_unsigned_and_unmapped_clicks_change_nothing()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        await _factory.Services.GetRequiredService<IUserRepository>().CreateAsync("jane", "Jane Doe", "not-a-hash", [Roles.IncidentCommander], DateTimeOffset.UtcNow, Ct);
        await _factory.Services.GetRequiredService<IRosterRepository>().UpsertAsync(id, new RosterEntry(Roles.IncidentCommander, "Jane Doe", null, JaneObjectId, null, null, null, null, null, 1), Ct);
        var rollouts = _factory.Services.GetRequiredService<IRolloutRepository>();
        using var client = new HttpClient { BaseAddress = _factory.ServerAddress };
        var hold = Invoke("f:1001", JaneObjectId, "shiproom_hold", id);

        var unsigned = await SendAsync(client, hold, null);
        var forged = await SendAsync(client, hold, Token(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "bf-key-1" }));
        var otherBot = await SendAsync(client, hold, Token(audience: "11111111-2222-3333-4444-555555555555"));
        var otherIssuer = await SendAsync(client, hold, Token(issuer: "https://login.example.com"));
        var expired = await SendAsync(client, hold, Token(expires: DateTime.UtcNow.AddMinutes(-10)));
        var unsignedToken = await SendAsync(client, hold, new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = BotFrameworkTokens.Issuer, Audience = AppId, Expires = DateTime.UtcNow.AddMinutes(10) }));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, otherBot.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, otherIssuer.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedToken.Status);
        Assert.Equal(RolloutStatus.Running, (await rollouts.GetAsync(id, Ct))!.Status);

        var (status, body) = await SendAsync(client, hold, Token());
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/vnd.microsoft.activity.message", answer.GetProperty("type").GetString());
        Assert.Contains($"{JaneObjectId} (jane): hold", answer.GetProperty("value").GetString());
        Assert.Equal(RolloutStatus.Held, (await rollouts.GetAsync(id, Ct))!.Status);
        Assert.Contains(_botFramework.Received, r => r.Path == "/keys"); // the keys came from the published metadata, not from the test

        // The Connector retries an invoke it got no answer to: the same activity is carried out once.
        await SendAsync(client, hold, Token());
        var holds = (await _factory.Services.GetRequiredService<IDecisionRepository>().ListAsync(id, 20, Ct)).Where(d => d.Kind == RolloutCommand.Hold).ToList();
        Assert.Equal(("jane", "Hold clicked from teams by " + JaneObjectId), (Assert.Single(holds).Actor, holds[0].Reason));

        var stranger = await SendAsync(client, Invoke("f:1002", "ffffffff-0000-0000-0000-000000000000", "shiproom_rollback", id), Token());
        Assert.Contains("refused — you are not on this rollout's roster", JsonDocument.Parse(stranger.Body).RootElement.GetProperty("value").GetString());
        Assert.Single(await _factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(RolloutId: id, Kind: "chat.refused"), Ct));
        Assert.Equal(RolloutStatus.Held, (await rollouts.GetAsync(id, Ct))!.Status);
    }
}
