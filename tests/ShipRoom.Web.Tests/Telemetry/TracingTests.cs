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

        // The request's own span ends a moment after the client has the response: flush until it has arrived too.
        var tracer = factory.Services.GetRequiredService<TracerProvider>();
        var exported = "";
        for (var attempt = 0; attempt < 50 && !exported.Contains("POST /api/rollouts/{id:long}/poll", StringComparison.Ordinal); attempt++)
        {
            Assert.True(tracer.ForceFlush(10_000), "the exporter did not flush within 10 s");
            exported = string.Concat(collector.Received.Where(r => r.Path == "/v1/traces").Select(r => r.Body));
            await Task.Delay(100, Ct);
        }

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
