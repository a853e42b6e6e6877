using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Telemetry;

/// <summary>With ShipRoom:Telemetry:OtlpEndpoint set, a poll's spans reach a collector on 127.0.0.1 over OTLP/HTTP.</summary>
public sealed class TracingTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_poll_s_spans_are_exported_to_the_configured_collector()
    {
        await using var collector = new LocalEndpoint();
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{collector.Port}" });
        var id = await ApiTestHost.RunningRolloutAsync(factory);
        var client = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.ReleaseEngineer));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/rollouts/{id}/poll", null, Ct)).StatusCode);
        Assert.True(factory.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), "the exporter did not flush within 10 s");

        var exported = string.Concat(collector.Received.Where(r => r.Path == "/v1/traces").Select(r => r.Body));
        Assert.NotEmpty(exported);
        foreach (var text in new[] { "POST /api/rollouts/{id:long}/poll", "poll", "judge", "act", "publish", "shiproom.rollout.id", "ShipRoom" })
        {
            Assert.Contains(text, exported);
        }
    }

    [Fact]
    public async Task Without_an_endpoint_no_tracer_is_registered()
    {
        await using var factory = new ShipRoomAppFactory();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }
}
