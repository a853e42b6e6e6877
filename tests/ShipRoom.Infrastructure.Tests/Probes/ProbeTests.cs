using ShipRoom.Infrastructure.MetricSources.Selection;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Probes;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Probes;

public sealed class ProbeTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private const string Schema = """{"type":"object","required":["status"],"properties":{"status":{"const":"ok"}}}""";

    private static HttpProbeRunner Runner() =>
        new(new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), TimeProvider.System);

    [Fact]
    public async Task A_healthy_endpoint_passes_status_latency_and_schema()
    {
        await using var endpoint = new LocalEndpoint();

        var result = await Runner().RunAsync(new ProbeDefinition("health", endpoint.Url(), 200, TimeSpan.FromSeconds(2), Schema), Ct);

        Assert.True(result.Run.Passed, result.Run.Reason);
        Assert.Equal(200, result.StatusCode);
        Assert.NotNull(result.LatencyMs);
    }

    [Fact]
    public async Task A_wrong_status_a_slow_answer_a_schema_mismatch_and_a_closed_port_each_fail_with_the_reason()
    {
        await using var endpoint = new LocalEndpoint();
        var runner = Runner();

        endpoint.Status = 503;
        var status = await runner.RunAsync(new ProbeDefinition("health", endpoint.Url(), 200, null, null), Ct);
        endpoint.Status = 200;
        endpoint.DelayMilliseconds = 400;
        var slow = await runner.RunAsync(new ProbeDefinition("health", endpoint.Url(), 200, TimeSpan.FromMilliseconds(100), null), Ct);
        endpoint.DelayMilliseconds = 0;
        endpoint.Body = """{"status":"degraded"}""";
        var schema = await runner.RunAsync(new ProbeDefinition("health", endpoint.Url(), 200, null, Schema), Ct);
        var closed = await runner.RunAsync(new ProbeDefinition("health", $"http://127.0.0.1:{endpoint.Port + 1}/health", 200, null, null), Ct);

        Assert.Equal((false, "status 503, expected 200"), (status.Run.Passed, status.Run.Reason));
        Assert.False(slow.Run.Passed);
        Assert.Matches("limit 100 ms|no answer within 200 ms", slow.Run.Reason);
        Assert.False(schema.Run.Passed);
        Assert.Contains("does not match the schema", schema.Run.Reason);
        Assert.False(closed.Run.Passed);
    }

    [Fact]
    public async Task Three_consecutive_probe_failures_roll_the_rollout_back()
    {
        await using var endpoint = new LocalEndpoint { Status = 503 };
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var plan = RolloutTestHost.PlanText().Replace("https://canary.checkout.example.com/health", endpoint.Url("health"), StringComparison.Ordinal)
            .Replace("https://canary.checkout.example.com/ready", endpoint.Url("ready"), StringComparison.Ordinal)
            .Replace("https://canary.checkout.example.com/api/checkout/smoke?e2e=1", endpoint.Url("smoke"), StringComparison.Ordinal);
        var created = await host.Rollouts.CreateAsync(plan, "plan.yaml", RolloutTestHost.Person("releng", Core.Security.Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(SimulatedProbes: false), 1, TimeSpan.Zero), Ct);
        var id = created.RolloutId!.Value;
        var probes = host.Get<ProbeService>();

        for (var run = 1; run <= 3; run++)
        {
            Assert.Equal(Core.Rollouts.RolloutStatus.Running, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
            host.Time.Advance(TimeSpan.FromSeconds(60));
            await probes.RunDueAsync(Ct);
        }

        Assert.Equal(9, endpoint.Requests);
        var health = host.Published.Latest!.Probes.Single(p => p.Name == "health");
        Assert.Equal((false, 3, "status 503, expected 200"), (health.Passed, health.ConsecutiveFailures, health.Reason));
        Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        var rollback = Assert.Single(await host.Database.Decisions.ListAsync(id, 10, Ct), d => d.Kind == RolloutCommand.RollBack);
        Assert.Contains("3 consecutive synthetic probe failures", rollback.Reason);
        Assert.Contains("status 503", rollback.Reason);
    }
}
