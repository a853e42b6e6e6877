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
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        // Read at once: the answer came before the snapshot was built, and a read on this instance waits for it.
        var listed = JsonDocument.Parse(await ic.GetStringAsync("/api/rollouts", ct)).RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        var snapshot = JsonDocument.Parse(await ic.GetStringAsync($"/api/rollouts/{id}", ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("RolledBack", snapshot.GetProperty("version").GetInt64()), (answer.GetProperty("rolloutStatus").GetString(), answer.GetProperty("rolloutVersion").GetInt64()));
        Assert.True(_deploySystem.Received.TryDequeue(out var hook));
        Assert.Equal("/rollouts/hook", hook.Path);
        Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(hook.Body, Secret), hook.Headers[WebhookDeployExecutor.SignatureHeader]);
        Assert.Contains("\"reason\":\"payments E2E dropped\"", hook.Body);
        Assert.Equal("rolledBack", snapshot.GetProperty("status").GetString());
        Assert.Equal(("RolledBack", answer.GetProperty("rolloutVersion").GetInt64()), (listed.GetProperty("status").GetString(), listed.GetProperty("rolloutVersion").GetInt64()));
        Assert.True(snapshot.GetProperty("rollback").GetProperty("withinBudget").GetBoolean());
        Assert.DoesNotContain(Secret, snapshot.GetRawText());
    }
}
