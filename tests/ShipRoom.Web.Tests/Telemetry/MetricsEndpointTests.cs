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
            ("shiproom_managed_memory_bytes", "gauge"), ("shiproom_poll_duration_seconds", "histogram"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text);
        }

        // The poll the test asked for; on a loaded machine the scheduler's own poll may land too, or a read may miss the
        // poll's deadline (PartiallyFailed): the names and the histogram's shape are what this test holds still.
        var polls = Regex.Matches(text, @"shiproom_polls_total\{outcome=""(Succeeded|PartiallyFailed)""\} (\d+)\n").Sum(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(polls >= 1, "no poll counted in /metrics");
        Assert.Matches(@"shiproom_commands_total\{kind=""hold"",result=""Executed""\} 1\n", text);
        Assert.Matches(@"shiproom_sign_ins_total\{outcome=""failed""\} 1\n", text);
        Assert.Matches(@"shiproom_poll_duration_seconds_bucket\{le=""0.005""\} \d+\n", text);
        Assert.Matches(@"shiproom_poll_duration_seconds_bucket\{le=""60""\} [1-9]\d*\n", text);
        var count = Regex.Match(text, @"shiproom_poll_duration_seconds_count(?:\{\})? (\d+)\n").Groups[1].Value;
        Assert.Equal(count, Regex.Match(text, @"shiproom_poll_duration_seconds_bucket\{le=""\+Inf""\} (\d+)\n").Groups[1].Value);
        Assert.True(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) >= 1, "the poll duration histogram counted no poll");
        Assert.Matches(@"shiproom_poll_duration_seconds_sum(\{\})? \d", text);
        Assert.DoesNotContain("otel_scope", text);
    }

    [Fact]
    public async Task A_real_Prometheus_ingests_the_series_and_computes_a_quantile_from_the_buckets()
    {
        await using var factory = new ShipRoomAppFactory();
        var (_, text) = await ScrapeAfterAPollAHoldAndASignInAsync(factory);
        var samples = Regex.Match(text, @"shiproom_samples_stored_total(?:\{\})? (\d+)\n").Groups[1].Value;
        var prometheus = new PrometheusServerFixture { Exposition = text };
        await prometheus.InitializeAsync();
        try
        {
            await prometheus.WaitForValueAsync("shiproom_samples_stored_total", samples, Ct);
            await prometheus.WaitForValueAsync("""shiproom_commands_total{kind="hold",result="Executed"}""", "1", Ct);
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
