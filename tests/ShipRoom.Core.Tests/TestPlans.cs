using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests;

/// <summary>Small plans written as YAML, the way release engineers write them, and sample series to judge.</summary>
internal static class TestPlans
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The release block every test plan starts with.</summary>
    public const string Release = """
        release:
          version: v20261125.1
          commit: abcdef1234567
          dataMigrations: false
          rollbackRunbook: https://runbooks.example.com/rollback
          rollbackCommand: kubectl argo rollouts abort app
          canaryRoutingKey: header x-canary
        """;

    public const string Header = Release + "\n" + """
        metrics:
          - key: p95_latency_ms
            name: P95 latency
            unit: ms
            panel: Latency
            better: lower
            journeys: [search, checkout]
            critical: true
          - key: error_rate_pct
            name: Error rate
            unit: '%'
            panel: Errors
            better: lower
          - key: payments_e2e_success_pct
            name: Payments E2E
            unit: '%'
            panel: Payments
            better: higher
          - key: cost_per_user_usd
            name: Cost per user
            unit: usd
            panel: UnitEconomics
            better: lower
          - key: signup_completion_pct
            name: Sign-up completion
            unit: '%'
            panel: Funnels
            better: higher
        phases:
          - name: 10%
            traffic: 10
            observe: 15m
          - name: 50%
            traffic: 50
            observe: 30m
          - name: 100%
            traffic: 100
            observe: 30m
        """;

    public static RolloutPlan Parse(string body, string settings = "")
    {
        var result = PlanParser.Parse(Header + "\n" + body + "\n" + settings, "test.yaml");
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        return result.Plan!;
    }

    /// <summary>One sample per minute from <paramref name="from"/>, one value per minute (null = no sample).</summary>
    public static IEnumerable<MetricSample> Series(string metric, Cohort cohort, DateTimeOffset from, IEnumerable<double?> values, string? journey = null) =>
        values.Select((value, i) => (value, i)).Where(p => p.value is not null)
            .Select(p => new MetricSample(metric, cohort, journey, from.AddMinutes(p.i), p.value!.Value));

    /// <summary>The same values on the overall series and on every journey of <paramref name="journeys"/>.</summary>
    public static IEnumerable<MetricSample> Everywhere(string metric, Cohort cohort, DateTimeOffset from, IEnumerable<double?> values, params string[] journeys)
    {
        var list = values.ToList();
        return new string?[] { null }.Concat(journeys).SelectMany(journey => Series(metric, cohort, from, list, journey));
    }

    /// <summary>P95 on the overall series and both journeys of the test catalogue (search, checkout).</summary>
    public static IEnumerable<MetricSample> P95Everywhere(Cohort cohort, DateTimeOffset from, IEnumerable<double?> values) =>
        Everywhere("p95_latency_ms", cohort, from, values, "search", "checkout");

    public static IEnumerable<double?> Repeat(double? value, int minutes) => Enumerable.Repeat(value, minutes);
}
