using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// The deploy system calls back over real HTTP on 127.0.0.1 when traffic is restored: signed with the webhook secret
/// over timestamp and body, recorded once, and shown as the rollback's completion. Forged, stale and replayed calls are refused.
/// </summary>
public sealed class ExecutionCallbackTests : IAsyncLifetime
{
    private const string Secret = "integration-webhook-secret";
    private readonly LocalEndpoint _deploySystem = new() { Status = 202 };
    private readonly ShipRoomAppFactory _factory;

    public ExecutionCallbackTests() =>
        _factory = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Deploy:WebhookUrl"] = _deploySystem.Url("rollouts/hook"),
            ["ShipRoom:Deploy:WebhookSecret"] = Secret,
        }, useKestrel: true);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _deploySystem.DisposeAsync();
    }

    private static HttpRequestMessage Callback(long id, long decision, string body, string secret, DateTimeOffset at, long? sentToDecision = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rollouts/{id}/executions/{sentToDecision ?? decision}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(CallbackSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookDeployExecutor.SignatureHeader, "sha256=" + CallbackSignature.Sign(timestamp, id, decision, body, secret));
        return request;
    }

    [Fact]
    public async Task A_signed_callback_records_traffic_restored_once_and_forgeries_and_replays_are_refused()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var token = await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander);
        using var http = new HttpClient { BaseAddress = _factory.ServerAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var rollback = await http.PostAsync($"/api/rollouts/{id}/commands/rollback",
            new StringContent("""{"reason":"checkout errors","expectedVersion":2}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var decision = JsonDocument.Parse(await rollback.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("decisionId").GetInt64();

        // The deploy system, anonymous to ShipRoom: only the signature vouches for it.
        using var deploySystem = new HttpClient { BaseAddress = _factory.ServerAddress };
        var body = """{"detail":"canary weight 0, stable serving 100%"}""";
        var now = DateTimeOffset.UtcNow;

        using var forged = await deploySystem.SendAsync(Callback(id, decision, body, "not-the-secret-at-all", now), Ct);
        using var stale = await deploySystem.SendAsync(Callback(id, decision, body, Secret, now.AddMinutes(-10)), Ct);
        using var wrongRollout = await deploySystem.SendAsync(Callback(id + 100, decision, body, Secret, now), Ct);
        using var movedToAnotherDecision = await deploySystem.SendAsync(Callback(id, decision, body, Secret, now, sentToDecision: decision + 1), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, movedToAnotherDecision.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongRollout.StatusCode);

        var genuine = Callback(id, decision, body, Secret, now.AddSeconds(1));
        var replay = Callback(id, decision, body, Secret, now.AddSeconds(1));
        using var accepted = await deploySystem.SendAsync(genuine, Ct);
        using var replayed = await deploySystem.SendAsync(replay, Ct);
        using var again = await deploySystem.SendAsync(Callback(id, decision, body, Secret, now.AddSeconds(2)), Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("replay", await replayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var rollbackTiming = JsonDocument.Parse(await http.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement.GetProperty("rollback");
        var completedAt = rollbackTiming.GetProperty("completedAt").GetDateTimeOffset();
        var requestedAt = rollbackTiming.GetProperty("requestedAt").GetDateTimeOffset();
        Assert.InRange(completedAt, requestedAt, DateTimeOffset.UtcNow);
        var audit = await http.GetStringAsync("/api/audit", Ct);
        Assert.Contains("rollout.execution-completed", audit);
        Assert.DoesNotContain(Secret, audit);
    }
}
