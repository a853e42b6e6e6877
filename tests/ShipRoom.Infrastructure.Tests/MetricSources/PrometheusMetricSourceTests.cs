using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.MetricSources.Prometheus;

namespace ShipRoom.Infrastructure.Tests.MetricSources;

public sealed class PrometheusMetricSourceTests(PrometheusServerFixture prometheus) : IClassFixture<PrometheusServerFixture>
{
    private const string LatencyTemplate = "max(shiproom_test_p95_latency_ms{track=\"{{cohort}}\"})";
    private const string JourneyTemplate = "max(shiproom_test_p95_latency_ms{track=\"{{cohort}}\",journey=\"{{journey}}\"})";

    private static PrometheusMetricSource CreateSource(Uri baseUrl, int retries = 1, int timeoutSeconds = 3)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new PrometheusOptions { BaseUrl = baseUrl.ToString(), Retries = retries, TimeoutSeconds = timeoutSeconds, RetryBaseDelayMilliseconds = 50 });
        return new PrometheusMetricSource(services.GetRequiredService<IHttpClientFactory>(), options, NullLogger<PrometheusMetricSource>.Instance);
    }

    private static MetricSeriesRequest Request(string query, Cohort cohort, string? journey = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new MetricSeriesRequest("p95_latency_ms", cohort, journey, now, now.AddMinutes(1), query);
    }

    [Fact]
    public async Task Values_read_back_are_the_ones_the_exporter_served_for_each_cohort_and_journey()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        prometheus.Exposition = """
            # TYPE shiproom_test_p95_latency_ms gauge
            shiproom_test_p95_latency_ms{track="control",journey="search"} 98.25
            shiproom_test_p95_latency_ms{track="canary",journey="search"} 121.5
            shiproom_test_p95_latency_ms{track="canary",journey="checkout"} 133
            """ + "\n";
        await prometheus.WaitForValueAsync("max(shiproom_test_p95_latency_ms{track=\"canary\",journey=\"checkout\"})", "133", ct);
        var source = CreateSource(prometheus.BaseUrl);

        var control = await source.ReadAsync(Request(LatencyTemplate, Cohort.Control), ct);
        var canary = await source.ReadAsync(Request(LatencyTemplate, Cohort.Canary), ct);
        var checkout = await source.ReadAsync(Request(JourneyTemplate, Cohort.Canary, "checkout"), ct);

        Assert.Null(control.Problem);
        Assert.Equal(98.25, Assert.Single(control.Samples).Value);
        Assert.Equal(133, Assert.Single(canary.Samples).Value);
        var sample = Assert.Single(checkout.Samples);
        Assert.Equal((133.0, Cohort.Canary, "checkout"), (sample.Value, sample.Cohort, sample.Journey));
    }

    [Fact]
    public async Task A_bad_query_is_no_data_with_prometheus_own_reason()
    {
        var source = CreateSource(prometheus.BaseUrl);

        var result = await source.ReadAsync(Request("sum(shiproom_test_p95_latency_ms{track=\"{{cohort}}\"", Cohort.Canary), Xunit.TestContext.Current.CancellationToken);

        Assert.True(result.Failed);
        Assert.Empty(result.Samples);
        Assert.Contains("bad_data", result.Problem);
    }

    [Fact]
    public async Task A_query_that_matches_nothing_is_no_data_not_zero()
    {
        var source = CreateSource(prometheus.BaseUrl);

        var result = await source.ReadAsync(Request("max(no_such_metric{track=\"{{cohort}}\"})", Cohort.Canary), Xunit.TestContext.Current.CancellationToken);

        Assert.True(result.Failed);
        Assert.Contains("no series", result.Problem);
    }

    [Fact]
    public async Task An_unreachable_server_is_no_data_after_the_retries()
    {
        var closed = new Uri($"http://127.0.0.1:{PrometheusServerFixture.FreePort()}/");
        var source = CreateSource(closed, retries: 2);

        var result = await source.ReadAsync(Request(LatencyTemplate, Cohort.Control), Xunit.TestContext.Current.CancellationToken);

        Assert.True(result.Failed);
        Assert.Contains("unreachable", result.Problem);
    }

    [Fact]
    public async Task Several_series_for_one_metric_are_refused_as_ambiguous()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        prometheus.Exposition = """
            shiproom_test_p95_latency_ms{track="canary",journey="search"} 100
            shiproom_test_p95_latency_ms{track="canary",journey="checkout"} 101
            """ + "\n";
        await prometheus.WaitForValueAsync("count(shiproom_test_p95_latency_ms{track=\"canary\"})", "2", ct);

        var result = await CreateSource(prometheus.BaseUrl).ReadAsync(Request("shiproom_test_p95_latency_ms{track=\"{{cohort}}\"}", Cohort.Canary), ct);

        Assert.Contains("returned 2 series", result.Problem);
    }

    [Fact]
    public void NaN_and_infinities_in_an_answer_are_kept_as_such_for_the_engine_to_treat_as_no_data()
    {
        const string body = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1764064800,"NaN"],[1764064860,"+Inf"],[1764064920,"12.5"]]}]}}""";

        var result = PrometheusMetricSource.Parse(Request("x", Cohort.Canary), HttpStatusCode.OK, body);

        Assert.Null(result.Problem);
        Assert.True(double.IsNaN(result.Samples[0].Value));
        Assert.True(double.IsPositiveInfinity(result.Samples[1].Value));
        Assert.Equal(12.5, result.Samples[2].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764064860), result.Samples[1].Time);
    }

    [Theory]
    [InlineData(200, "<html><body>502 Bad Gateway</body></html>", "Prometheus answered 200 with a body that is not JSON")]
    [InlineData(500, "{\"status\":", "Prometheus answered 500 with a body that is not JSON")]
    [InlineData(200, "[1,2,3]", "Prometheus answered 200 with JSON that is not a query_range result")]
    [InlineData(200, "{\"status\":42}", "Prometheus answered 200 with JSON that is not a query_range result")]
    [InlineData(200, """{"status":"success","data":{"result":[{"metric":{}}]}}""", "Prometheus answered 200 with JSON that is not a query_range result")]
    [InlineData(200, """{"status":"success","data":{"result":[{"values":[[1764064800,12.5]]}]}}""", "Prometheus answered 200 with JSON that is not a query_range result")]
    [InlineData(200, """{"status":"success","data":{"result":[{"values":["oops"]}]}}""", "Prometheus answered 200 with JSON that is not a query_range result")]
    [InlineData(200, """{"status":"success","data":{"result":[{"values":[[1e300,"1"]]}]}}""", "Prometheus answered 200 with JSON that is not a query_range result")]
    public void An_answer_that_is_not_Prometheus_s_is_no_data_with_the_source_named_never_an_exception(int status, string body, string problem)
    {
        var result = PrometheusMetricSource.Parse(Request("x", Cohort.Canary), (HttpStatusCode)status, body);

        Assert.Equal(problem, result.Problem);
        Assert.Empty(result.Samples);
    }

    [Fact]
    public void Template_substitutes_configured_cohort_labels_and_escapes_quotes()
    {
        var options = new PrometheusOptions { CanaryLabel = "canary-eu", ControlLabel = "stable" };

        Assert.Equal("up{track=\"canary-eu\",journey=\"a\\\"b\"}", PromQlTemplate.Render("up{track=\"{{cohort}}\",journey=\"{{journey}}\"}", Cohort.Canary, "a\"b", options));
        Assert.Equal("up{track=\"stable\"}", PromQlTemplate.Render("up{track=\"{{cohort}}\"}", Cohort.Control, null, options));
    }

    [Fact]
    public void The_overall_series_drops_the_journey_matcher_and_a_journey_outside_a_matcher_is_refused()
    {
        var options = new PrometheusOptions();
        const string histogram = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{track=\"{{cohort}}\",journey=\"{{journey}}\"}[5m]))) * 1000";

        Assert.Equal("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{track=\"canary\"}[5m]))) * 1000", PromQlTemplate.Render(histogram, Cohort.Canary, null, options));
        Assert.Equal("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{track=\"canary\",journey=\"checkout\"}[5m]))) * 1000", PromQlTemplate.Render(histogram, Cohort.Canary, "checkout", options));
        Assert.Equal("sum(up{track=\"control\"})", PromQlTemplate.Render("sum(up{journey=~\"{{journey}}\",track=\"{{cohort}}\"})", Cohort.Control, null, options));
        Assert.Throws<ArgumentException>(() => PromQlTemplate.Render("sum(up_{{journey}}{track=\"{{cohort}}\"})", Cohort.Control, null, options));
    }
}
