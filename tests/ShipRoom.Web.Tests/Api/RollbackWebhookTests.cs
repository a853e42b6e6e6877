using System.Net;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>The IC's rollback through the API reaches a deploy webhook on 127.0.0.1, signed, and its acknowledgement is measured.</summary>
public sealed class RollbackWebhookTests : IAsyncLifetime
{
    private const string Secret = "integration-webhook-secret";
    private readonly LocalEndpoint _deploySystem = new() { Status = 202 };
    private readonly ShipRoomAppFactory _factory;

    public RollbackWebhookTests() =>
        _factory = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Deploy:WebhookUrl"] = _deploySystem.Url("rollouts/hook"),
            ["ShipRoom:Deploy:WebhookSecret"] = Secret,
        });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _deploySystem.DisposeAsync();
    }

    [Fact]
    public async Task A_rollback_posts_a_signed_webhook_and_records_the_time_to_rollback()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var ic = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));

        var response = await ApiTestHost.CommandAsync(ic, id, "rollback", "payments E2E dropped", 2);
        var snapshot = JsonDocument.Parse(await ic.GetStringAsync($"/api/rollouts/{id}", ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(_deploySystem.Received.TryDequeue(out var hook));
        Assert.Equal("/rollouts/hook", hook.Path);
        Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(hook.Body, Secret), hook.Headers[WebhookDeployExecutor.SignatureHeader]);
        Assert.Contains("\"reason\":\"payments E2E dropped\"", hook.Body);
        Assert.Equal("rolledBack", snapshot.GetProperty("status").GetString());
        Assert.True(snapshot.GetProperty("rollback").GetProperty("withinBudget").GetBoolean());
        Assert.DoesNotContain(Secret, snapshot.GetRawText());
    }

    [Fact]
    public async Task The_deploy_system_reports_traffic_restored_signed_and_the_snapshot_times_the_rollback_to_it()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var ic = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));
        var rollback = await ApiTestHost.CommandAsync(ic, id, "rollback", "payments E2E dropped", 2);
        var decision = JsonDocument.Parse(await rollback.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("decisionId").GetInt64();
        var deploySystem = _factory.CreateClient();
        const string body = "{\"status\":\"completed\",\"detail\":\"stable back on 100% of traffic\"}";

        async Task<HttpResponseMessage> ReportAsync(string signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rollouts/{id}/executions/{decision}") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookDeployExecutor.SignatureHeader, signature);
            return await deploySystem.SendAsync(request, ct);
        }

        var forged = await ReportAsync("sha256=" + WebhookDeployExecutor.Sign(body, "not-the-secret-at-all"));
        var first = await ReportAsync("sha256=" + WebhookDeployExecutor.Sign(body, Secret));
        var again = await ReportAsync("sha256=" + WebhookDeployExecutor.Sign(body, Secret));
        var timing = JsonDocument.Parse(await ic.GetStringAsync($"/api/rollouts/{id}", ct)).RootElement.GetProperty("rollback");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("already recorded", await again.Content.ReadAsStringAsync(ct));
        Assert.Equal(JsonValueKind.String, timing.GetProperty("completedAt").ValueKind);
        Assert.False(timing.GetProperty("recordedOnly").GetBoolean());
    }
}
