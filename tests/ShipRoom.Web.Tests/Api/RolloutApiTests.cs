using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

public sealed class RolloutApiTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Without_a_token_or_session_the_api_answers_401_and_a_bad_token_too()
    {
        var anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });
        var forged = ApiTestHost.Client(_factory, "srt_000000000000_not-a-real-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rollouts", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/rollouts", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_polled_rollout_s_snapshot_carries_its_samples_and_verdict()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var client = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.ReleaseEngineer));

        var poll = await client.PostAsync($"/api/rollouts/{id}/poll", null, Ct);
        var snapshot = JsonDocument.Parse(await client.GetStringAsync($"/api/rollouts/{id}", Ct)).RootElement;
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/rollouts", Ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.Equal("running", snapshot.GetProperty("status").GetString());
        var latency = snapshot.GetProperty("panels").EnumerateArray().Single(p => p.GetProperty("panel").GetString() == "latency");
        var p95 = latency.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "p95_latency_ms");
        Assert.True(p95.GetProperty("canary").GetDouble() > 0);
        Assert.True(p95.GetProperty("canarySeries").GetArrayLength() >= 60);
        Assert.Equal(10, snapshot.GetProperty("verdict").GetProperty("gates").GetArrayLength());
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        var metrics = await client.GetStringAsync("/metrics", Ct);
        Assert.Matches(@"shiproom_polls_total\{outcome=""Succeeded""\} [1-9]", metrics);
        // OpenTelemetry's exporter writes a series without labels as name{}: the same series to Prometheus.
        Assert.Matches(@"shiproom_samples_stored_total(\{\})? [1-9]", metrics);
    }

    [Fact]
    public async Task Tokens_are_shown_once_listed_without_secrets_and_stop_working_when_revoked()
    {
        var admin = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.Admin));

        var issued = await admin.PostAsJsonAsync("/api/tokens", new { name = "ci pipeline", roles = new[] { Roles.Viewer }, expiresInDays = 30 }, ShipRoomJson.Options, Ct);
        var body = JsonDocument.Parse(await issued.Content.ReadAsStringAsync(Ct)).RootElement;
        var token = body.GetProperty("token").GetString()!;
        var ci = ApiTestHost.Client(_factory, token);
        var listed = await admin.GetStringAsync("/api/tokens", Ct);
        var before = await ci.GetAsync("/api/rollouts", Ct);
        var revoke = await admin.DeleteAsync($"/api/tokens/{body.GetProperty("id").GetInt64()}", Ct);
        var after = await ci.GetAsync("/api/rollouts", Ct);

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.StartsWith("srt_", token);
        Assert.DoesNotContain(token.Split('_', 3)[2], listed);
        Assert.DoesNotContain("tokenHash", listed);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Only_admins_manage_tokens()
    {
        var ic = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));

        var response = await ic.PostAsJsonAsync("/api/tokens", new { name = "sneaky", roles = new[] { Roles.Admin } }, ShipRoomJson.Options, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_plan_with_errors_is_refused_with_every_problem_located()
    {
        var releng = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.ReleaseEngineer));

        var response = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = "release:\n  version: v1\nphases: []\n", metricSource = "simulator" }, ShipRoomJson.Options, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("is not a version tag", body);
        Assert.Contains("\"line\":2", body);
    }
}
