using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

public sealed class QueryTemplateTests
{
    private const string PerJourneyMetric = ShipRoom.Core.Tests.TestPlans.Release + "\n" + """
        metrics:
          - key: p95_latency_ms
            unit: ms
            panel: Latency
            better: lower
            journeys: [search, checkout]
            queries:
              prometheus: QUERY
        OVERALL
        phases:
          - name: 100%
            traffic: 100
            observe: 30m
        """;

    private static PlanParseResult Parse(string query, string overall = "") =>
        PlanParser.Parse(PerJourneyMetric.Replace("QUERY", $"'{query}'", StringComparison.Ordinal).Replace("OVERALL", overall, StringComparison.Ordinal), "plan.yaml");

    [Theory]
    [InlineData("sum(rate(x_bucket{track=\"{{cohort}}\",journey=\"{{journey}}\"}[5m]))", "sum(rate(x_bucket{track=\"{{cohort}}\"}[5m]))")]
    [InlineData("sum(rate(x_bucket{journey=~\"{{journey}}\", track=\"{{cohort}}\"}[5m]))", "sum(rate(x_bucket{track=\"{{cohort}}\"}[5m]))")]
    [InlineData("sum(x{a=\"1\",journey!=\"{{journey}}\",b=\"2\"})", "sum(x{a=\"1\",b=\"2\"})")]
    [InlineData("sum(x{journey=\"{{journey}}\"})", "sum(x{})")]
    [InlineData("sum(x{track=\"{{cohort}}\"})", "sum(x{track=\"{{cohort}}\"})")]
    public void The_overall_series_reads_every_journey_with_the_journey_matcher_dropped(string template, string overall) =>
        Assert.Equal(overall, QueryTemplates.OverallOf(template));

    [Fact]
    public void A_journey_outside_a_label_matcher_has_no_overall_form() =>
        Assert.Null(QueryTemplates.OverallOf("sum(rate(x_{{journey}}_total[5m]))"));

    [Fact]
    public void A_per_journey_metric_whose_query_ignores_the_journey_is_refused()
    {
        var result = Parse("sum(x{track=\"{{cohort}}\"})");

        Assert.Contains(result.Problems, p => p.Field == "metrics.p95_latency_ms.queries.prometheus" && p.Message.Contains("every journey would read the same series", StringComparison.Ordinal));
    }

    [Fact]
    public void A_journey_outside_a_matcher_needs_an_explicit_overall_query_and_then_reads_it_for_the_overall_series()
    {
        const string query = "sum(rate(x_{{journey}}_total{track=\"{{cohort}}\"}[5m]))";
        Assert.Contains(Parse(query).Problems, p => p.Message.Contains("overallQueries", StringComparison.Ordinal));

        var result = Parse(query, "    overallQueries:\n      prometheus: 'sum(rate(x_all_total{track=\"{{cohort}}\"}[5m]))'");

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        var metric = result.Plan!.FindMetric("p95_latency_ms")!;
        Assert.Equal("sum(rate(x_all_total{track=\"{{cohort}}\"}[5m]))", metric.QueryFor("prometheus", null));
        Assert.Equal(query, metric.QueryFor("prometheus", "checkout"));
    }

    [Fact]
    public void Every_shipped_plan_reads_its_overall_series_from_its_prometheus_queries()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "plans"), "*.yaml"))
        {
            var result = PlanParser.Parse(File.ReadAllText(file), Path.GetFileName(file));
            Assert.False(result.HasErrors, string.Join("\n", result.Problems));
            foreach (var metric in result.Plan!.Metrics.Where(m => m.Queries.ContainsKey("prometheus")))
            {
                var overall = QueryTemplates.OverallOf(metric.QueryFor("prometheus", null)!);
                Assert.False(overall is null || overall.Contains(QueryTemplates.Journey, StringComparison.Ordinal), $"{Path.GetFileName(file)}: {metric.Key}");
            }
        }
    }
}
