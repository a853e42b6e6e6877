using System.Net;
using System.Text.RegularExpressions;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Infrastructure.Tests.MetricSources;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Telemetry;

/// <summary>/metrics through OpenTelemetry's Prometheus exporter: the names dashboards and alerts already use, real histograms.</summary>
public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_names_stay_as_they_were_and_the_poll_duration_is_a_histogram_with_buckets()
    {
        await using var factory = new ShipRoomAppFactory();

        var (response, text) = await ScrapeAfterAPollAHoldAndASignInAsync(factory);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        foreach (var (name, type) in new[]
        {
            ("shiproom_polls_total", "counter"), ("shiproom_samples_stored_total", "counter"), ("shiproom_commands_total", "counter"),
            ("shiproom_sign_ins_total", "counter"), ("shiproom_http_requests_total", "counter"), ("shiproom_uptime_seconds", "gauge"),
            ("shiproom_managed_memory_bytes", "gauge"), ("shiproom_circuits", "gauge"), ("shiproom_poll_duration_seconds", "histogram"),
            ("shiproom_storage_connections_opened_total", "counter"), ("shiproom_storage_statements_total", "counter"),
            ("dotnet_process_cpu_time_seconds_total", "counter"), ("dotnet_jit_compilation_time_seconds_total", "counter"), ("dotnet_gc_collections_total", "counter"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text);
        }

        // OpenTelemetry listens to every meter named "ShipRoom" in the process, and the other test classes run their own
        // apps beside this one: counts can include their polls, holds and sign-ins. In production one process is one app.
        // What this test holds still is the names, the labels and the histogram's shape, and that ours were counted.
        Assert.True(Regex.Matches(text, @"shiproom_polls_total\{outcome=""(?:Succeeded|PartiallyFailed|Failed)""\} (\d+)\n").Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) >= 1,
            $"no poll counted in /metrics:\n{string.Join('\n', text.Split('\n').Where(l => l.StartsWith("shiproom_polls", StringComparison.Ordinal)))}");
        Assert.True(Count(text, @"shiproom_commands_total\{kind=""hold"",result=""Executed""\}") >= 1, "the hold was not counted");
        Assert.True(Count(text, @"shiproom_sign_ins_total\{outcome=""failed""\}") >= 1, "the failed sign-in was not counted");
        Assert.Matches(@"shiproom_poll_duration_seconds_bucket\{le=""0.005""\} \d+\n", text);
        Assert.Matches(@"shiproom_poll_duration_seconds_bucket\{le=""60""\} \d+\n", text);
        var count = Count(text, @"shiproom_poll_duration_seconds_count(?:\{\})?");
        Assert.Equal(count, Count(text, @"shiproom_poll_duration_seconds_bucket\{le=""\+Inf""\}"));
        Assert.True(count >= 1, "the poll duration histogram counted no poll");
        Assert.Matches(@"shiproom_poll_duration_seconds_sum(\{\})? \d", text);
        Assert.DoesNotContain("otel_scope", text);
    }

    [Fact]
    public async Task A_real_Prometheus_ingests_the_series_and_computes_a_quantile_from_the_buckets()
    {
        await using var factory = new ShipRoomAppFactory();
        var (_, text) = await ScrapeAfterAPollAHoldAndASignInAsync(factory);
        var prometheus = new PrometheusServerFixture { Exposition = text };
        await prometheus.InitializeAsync();
        try
        {
            var holds = Count(text, @"shiproom_commands_total\{kind=""hold"",result=""Executed""\}").ToString(System.Globalization.CultureInfo.InvariantCulture);
            await prometheus.WaitForValueAsync("""shiproom_commands_total{kind="hold",result="Executed"}""", holds, Ct);
            await prometheus.WaitForValueAsync("count(shiproom_poll_duration_seconds_bucket)", "14", Ct);
            using var client = new HttpClient { BaseAddress = prometheus.BaseUrl };
            var quantile = await client.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString("histogram_quantile(0.5, shiproom_poll_duration_seconds_bucket)")}", Ct);
            Assert.Matches(@"""value"":\[[0-9.]+,""[0-9.]+(e-?\d+)?""\]", quantile);
        }
        finally
        {
            await prometheus.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_RequireAuthentication_an_anonymous_scrape_is_refused_and_a_token_is_let_in()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Metrics:RequireAuthentication"] = "true" });
        var viewer = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.Viewer));

        var anonymous = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/metrics", Ct);
        var withToken = await viewer.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Contains("# TYPE shiproom_uptime_seconds gauge", await withToken.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The value of the series whose name and labels match <paramref name="series"/> (a regex), 0 when absent.</summary>
    private static long Count(string text, string series) =>
        Regex.Match(text, series + @" (\d+)\n") is { Success: true } m ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static async Task<(HttpResponseMessage Response, string Text)> ScrapeAfterAPollAHoldAndASignInAsync(ShipRoomAppFactory factory)
    {
        var id = await ApiTestHost.RunningRolloutAsync(factory);
        var releaseEngineer = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.ReleaseEngineer, Roles.IncidentCommander));
        Assert.Equal(HttpStatusCode.OK, (await releaseEngineer.PostAsync($"/api/rollouts/{id}/poll", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApiTestHost.CommandAsync(releaseEngineer, id, "hold", "checking the dashboards")).StatusCode);
        await SignIn.PostLoginAsync(factory.CreateClient(new() { AllowAutoRedirect = false }), "nobody", "wrong-password-123", Ct);
        var response = await factory.CreateClient().GetAsync("/metrics", Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }
}
