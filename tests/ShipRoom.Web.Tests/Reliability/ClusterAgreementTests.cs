using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Tests.Probes;
using static ShipRoom.Web.Tests.Reliability.ShipRoomCluster;

namespace ShipRoom.Web.Tests.Reliability;

/// <summary>
/// What one instance learns, the others honour: a token revoked on A is refused by B's outage cache, and a completion
/// callback replayed to B after A recorded it is refused as a replay. Two real processes on one PostgreSQL.
/// </summary>
public sealed class ClusterAgreementTests
{
    private const string Secret = "reliability-webhook-secret";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Callback(long rolloutId, long decisionId, string body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rollouts/{rolloutId}/executions/{decisionId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(CallbackSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookDeployExecutor.SignatureHeader, "sha256=" + CallbackSignature.Sign(timestamp, rolloutId, decisionId, body, Secret));
        return request;
    }

    [Fact]
    public async Task A_replayed_callback_and_a_revoked_token_are_refused_by_the_other_instance_even_with_PostgreSQL_down()
    {
        await using var deploySystem = new LocalEndpoint { Status = 202 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["ShipRoom__Deploy__WebhookUrl"] = deploySystem.Url("deploy"),
            ["ShipRoom__Deploy__WebhookSecret"] = Secret,
        };
        var a = await cluster.StartInstanceAsync(settings);
        var b = await cluster.StartInstanceAsync(settings);
        using var anonymousA = new HttpClient { BaseAddress = a.Address };
        using var anonymousB = new HttpClient { BaseAddress = b.Address };

        // The completion callback: recorded by A, the same signed call replayed to B is a replay there too.
        var first = await CreateRunningRolloutAsync(a);
        using var rollback = await RollBackAsync(a, first, "checkout errors", Ct);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var decision = JsonDocument.Parse(await rollback.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("decisionId").GetInt64();
        var body = """{"detail":"stable serving 100%"}""";
        var sentAt = DateTimeOffset.UtcNow;
        using var recorded = await anonymousA.SendAsync(Callback(first, decision, body, sentAt), Ct);
        using var replayedToB = await anonymousB.SendAsync(Callback(first, decision, body, sentAt), Ct);
        using var laterReportToB = await anonymousB.SendAsync(Callback(first, decision, body, sentAt.AddSeconds(1)), Ct);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayedToB.StatusCode);
        Assert.Contains("replay", await replayedToB.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Conflict, laterReportToB.StatusCode);

        // Tokens: B validates two of them (so both are in its outage cache), then A revokes one.
        var doomed = await cluster.IssueTokenAsync("doomed", "IncidentCommander");
        var admin = await cluster.IssueTokenAsync("admin", "Admin");
        var second = await CreateRunningRolloutAsync(a);
        using (var seen = await anonymousB.SendAsync(Get($"/api/rollouts/{second}", cluster.Token), Ct))
        using (var seenWithDoomed = await anonymousB.SendAsync(Get($"/api/rollouts/{second}", doomed.Token), Ct))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (seen.StatusCode, seenWithDoomed.StatusCode));
        }

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/tokens/{doomed.Id}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        using var revoked = await anonymousA.SendAsync(revoke, Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await WaitUntilAsync(() => Task.FromResult(cluster.Output(b).Contains($"API token {doomed.Id} was revoked", StringComparison.Ordinal)), TimeSpan.FromSeconds(20),
            "instance B hearing of the revocation");

        await cluster.Postgres.StopAsync();
        var hooksBefore = deploySystem.Received.Count;
        using var byRevoked = new HttpRequestMessage(HttpMethod.Post, $"/api/rollouts/{second}/commands/rollback")
        {
            Content = new StringContent("""{"reason":"with a revoked token"}""", Encoding.UTF8, "application/json"),
        };
        byRevoked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", doomed.Token);
        using var refused = await anonymousB.SendAsync(byRevoked, Ct);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}");
        Assert.Equal(hooksBefore, deploySystem.Received.Count);

        // The token B still trusts rolls back through the outage cache: the refusal was the revocation, not the outage.
        using var allowed = await RollBackAsync(b, second, "payments failing, database down too", Ct);
        var allowedBody = await allowed.Content.ReadAsStringAsync(Ct);
        Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"{(int)allowed.StatusCode}: {allowedBody}");
        Assert.Equal(hooksBefore + 1, deploySystem.Received.Count);
    }
}
