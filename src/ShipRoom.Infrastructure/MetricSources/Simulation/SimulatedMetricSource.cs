using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.MetricSources.Simulation;

/// <summary>
/// A deterministic stand-in for Prometheus: control and canary series for every metric the directives' panels show,
/// healthy by default, with one scenario's fault switched on in the canary from a given phase.
/// </summary>
public sealed class SimulatedMetricSource(SimulatorScenario scenario, int scenarioStartsAtPhase, int seed) : IMetricSource
{
    public string Name => "simulator";

    public SimulatorScenario Scenario => scenario;

    public Task<MetricSeriesResult> ReadAsync(MetricSeriesRequest request, CancellationToken cancellationToken)
    {
        var samples = new List<MetricSample>();
        var active = scenario != SimulatorScenario.Healthy && request.PhaseIndex >= scenarioStartsAtPhase;
        for (var time = FloorToMinute(request.From); time < request.To; time = time.AddMinutes(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var minute = time.ToUnixTimeSeconds() / 60;
            if (active && request.Cohort == Cohort.Canary && scenario == SimulatorScenario.DataGap && IsInGap(minute))
            {
                continue;
            }

            samples.Add(new MetricSample(request.MetricKey, request.Cohort, request.Journey, time, ValueAt(request, minute, active)));
        }

        return Task.FromResult(MetricSeriesResult.Of(samples));
    }

    /// <summary>The value of one minute; public so tests and the demo can reason about a scenario without a poll.</summary>
    public double ValueAt(MetricSeriesRequest request, long minute, bool scenarioActive)
    {
        if (request.MetricKey == GoodRequests)
        {
            // The requests of the minute that were not 5xx: consistent with the 5xx rate the same minute shows.
            var all = ValueAt(request with { MetricKey = "requests_count" }, minute, scenarioActive);
            var errors = ValueAt(request with { MetricKey = "error_rate_5xx_pct" }, minute, scenarioActive);
            return Math.Round(all * (1 - errors / 100), 6);
        }

        if (scenarioActive && request.Cohort == Cohort.Canary && scenario == SimulatorScenario.PaymentCapBreach && request.MetricKey == "payment_largest_usd")
        {
            return CapBreachPayment;
        }

        var profile = MetricProfiles.For(request.MetricKey, request.Journey);
        var cohort = request.Cohort == Cohort.Canary ? "canary" : "control";
        var noise = DeterministicNoise.Gaussian(seed, request.MetricKey, cohort, request.Journey, minute);
        var value = profile.Baseline * (1 + (profile.RelativeNoise * noise));
        if (request.Cohort == Cohort.Canary && scenarioActive)
        {
            value = ApplyFault(request.MetricKey, value, minute);
        }

        return Math.Clamp(Math.Round(value, profile.Whole ? 0 : 6), profile.Min, profile.Max);
    }

    private double ApplyFault(string metricKey, double value, long minute) => (scenario, metricKey) switch
    {
        (SimulatorScenario.LatencyRegression, "p95_latency_ms") => value * 1.45,
        (SimulatorScenario.LatencyRegression, "p99_latency_ms") => value * 1.5,
        (SimulatorScenario.LatencyRegression, "p50_latency_ms") => value * 1.2,
        (SimulatorScenario.LatencyRegression, "db_p95_query_ms") => value * 1.3,

        (SimulatorScenario.PaymentFailures, "payments_e2e_success_pct") => value - 2.4,
        (SimulatorScenario.PaymentFailures, "payments_auth_success_pct") => value - 2.2,
        (SimulatorScenario.PaymentFailures, "payments_capture_success_pct") => value - 1.6,
        (SimulatorScenario.PaymentFailures, "payment_declines_pct") => value * 2.2,
        (SimulatorScenario.PaymentFailures, "charge_error_rate_pct") => value + 1.6,

        (SimulatorScenario.CacheRegression, "cache_hit_pct") => value - 14,
        (SimulatorScenario.CacheRegression, "origin_rps") => value * 1.8,
        (SimulatorScenario.CacheRegression, "db_saturation_pct") => value + 30,
        (SimulatorScenario.CacheRegression, "p95_latency_ms") => value * 1.1,

        (SimulatorScenario.ErrorSpike, "error_rate_5xx_pct") => value * 10,
        (SimulatorScenario.ErrorSpike, "error_rate_4xx_non_auth_pct") => value * 3,
        (SimulatorScenario.ErrorSpike, "client_js_error_rate_pct") => value * 4,

        (SimulatorScenario.CostDrift, "cost_per_user_usd") => value * 1.09,
        (SimulatorScenario.CostDrift, "cost_per_request_usd") => value * 1.09,
        (SimulatorScenario.CostDrift, "ai_cost_per_request_usd") => value * 1.2,
        (SimulatorScenario.CostDrift, "ai_markup_ratio") => value * 0.82,
        (SimulatorScenario.CostDrift, "margin_pct") => value - 5,

        // Three bad minutes, three good: never sustained long enough to fire a trigger, never GREEN for a window.
        (SimulatorScenario.Flapping, "p95_latency_ms") => minute % 6 < 3 ? value * 1.4 : value,
        (SimulatorScenario.Flapping, "error_rate_5xx_pct") => minute % 6 < 3 ? value * 6 : value,

        _ => value,
    };

    private const string GoodRequests = "requests_good_count";

    /// <summary>The payment the cap-breach scenario makes: over the directives' $20 per transaction.</summary>
    private const double CapBreachPayment = 25;

    // Twenty minutes of every thirty have no canary samples at all: never ten clean minutes in a row.
    private static bool IsInGap(long minute) => minute % 30 < 20;

    private static DateTimeOffset FloorToMinute(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
