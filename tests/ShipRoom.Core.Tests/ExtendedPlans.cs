using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests;

/// <summary>A plan header with the counts, ratios and payment metrics the combined, counted, SLO and cap triggers read.</summary>
internal static class ExtendedPlans
{
    public static readonly DateTimeOffset Start = TestPlans.Start;

    public const string Header = TestPlans.Release + "\n" + """
        metrics:
          - key: p95_latency_ms
            name: P95 latency
            unit: ms
            journeys: [search, checkout]
            panel: Latency
            better: lower
          - key: error_rate_pct
            name: 5xx rate
            unit: '%'
            panel: Errors
            better: lower
          - key: cache_hit_pct
            name: Cache hit ratio
            unit: '%'
            panel: Cache
            better: higher
          - key: db_saturation_pct
            name: DB saturation
            unit: '%'
            panel: Database
            better: lower
          - key: db_queue_depth
            name: DB queue depth
            unit: count
            panel: Database
            better: lower
          - key: requests_good
            name: Good requests
            unit: count
            panel: Errors
            better: lower
          - key: requests_total
            name: Requests
            unit: count
            panel: Errors
            better: lower
          - key: payment_failures
            name: Payment failures
            unit: count
            panel: Payments
            better: lower
          - key: payment_successes
            name: Payment successes
            unit: count
            panel: Payments
            better: lower
          - key: scale_events
            name: Scale events
            unit: count
            panel: Infrastructure
            better: lower
          - key: payment_transactions
            name: Live transactions
            unit: count
            panel: Payments
            better: lower
          - key: payment_dollars
            name: Live dollars
            unit: usd
            panel: Payments
            better: lower
          - key: payment_largest
            name: Largest transaction
            unit: usd
            panel: Payments
            better: lower
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
        slos:
          - key: availability
            name: API availability
            objective: 99.9%
            window: 30d
            good: requests_good
            total: requests_total
          - key: latency
            name: P95 latency
            objective: 99%
            window: 30d
            metric: p95_latency_ms
            journey: overall
            goodWhen: '<= 120 ms'
        """;

    public static PlanParseResult TryParse(string body) => PlanParser.Parse(Header + "\n" + body + "\n", "extended.yaml");

    public static RolloutPlan Parse(string body)
    {
        var result = TryParse(body);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        return result.Plan!;
    }

    /// <summary>The one trigger of <paramref name="triggers"/> judged at <paramref name="minutes"/> after the start of phase <paramref name="phase"/>.</summary>
    public static TriggerVerdict Judge(string triggers, IEnumerable<MetricSample> samples, int minutes, IReadOnlyList<ExternalSignal>? signals = null, int phase = 0, string? key = null, bool capsLifted = false)
    {
        var plan = Parse(triggers);
        var input = new EvaluationInput(phase, Start, Start.AddMinutes(minutes), samples.ToList())
        {
            RolloutStartedAt = Start,
            Signals = signals ?? [],
            PaymentCapsLifted = capsLifted,
        };
        var verdict = RolloutEvaluator.Default.Evaluate(plan, input, triggersFrom: Start);
        return key is null ? verdict.Triggers.Single() : verdict.Triggers.Single(t => t.Key == key);
    }

    public static IEnumerable<MetricSample> Canary(string metric, params double?[] values) => TestPlans.Series(metric, Cohort.Canary, Start, values);

    public static IEnumerable<MetricSample> CanaryFrom(DateTimeOffset from, string metric, IEnumerable<double?> values) => TestPlans.Series(metric, Cohort.Canary, from, values);

    public static double?[] Repeat(double? value, int count) => Enumerable.Repeat(value, count).ToArray();
}
