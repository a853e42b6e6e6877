using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.ShippedPlans;

/// <summary>
/// The plans in plans/ as they ship, with a healthy service for every metric, cohort and journey they name: each test
/// changes only what it is about, so a verdict is about the shipped plan and nothing made up.
/// </summary>
internal sealed class ShippedPlan
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    // Levels of a healthy service, well inside every gate of both shipped plans.
    internal static readonly Dictionary<string, double> Healthy = new(StringComparer.Ordinal)
    {
        ["p50_latency_ms"] = 45, ["p95_latency_ms"] = 96, ["p99_latency_ms"] = 185,
        ["error_rate_5xx_pct"] = 0.12, ["error_rate_4xx_non_auth_pct"] = 0.4, ["client_js_error_rate_pct"] = 0.15, ["availability_pct"] = 99.97,
        ["payments_e2e_success_pct"] = 99.75, ["payments_auth_success_pct"] = 99.85, ["payments_capture_success_pct"] = 99.9,
        ["payment_declines_pct"] = 2.1, ["payment_refunds_pct"] = 0.3, ["payment_transactions_count"] = 0.6, ["payment_dollars_total"] = 7.5,
        ["cache_hit_pct"] = 92, ["origin_rps"] = 120, ["db_saturation_pct"] = 55, ["db_p95_query_ms"] = 18, ["db_connections"] = 140,
        ["cpu_utilisation_pct"] = 48, ["memory_headroom_pct"] = 42,
        ["cost_per_user_usd"] = 0.042, ["cost_per_request_usd"] = 0.0011, ["ai_cost_per_request_usd"] = 0.0022, ["ai_markup_ratio"] = 4.6, ["margin_pct"] = 38,
        ["signup_completion_pct"] = 62, ["first_session_completion_pct"] = 48, ["provider_dashboard_error_pct"] = 0.3,
        ["charge_error_rate_pct"] = 0.1, ["payment_failures_count"] = 0, ["payment_successes_count"] = 1, ["provider_tti_ms"] = 1200,
        ["scale_events_count"] = 0, ["scale_up_seconds"] = 35, ["events_dropped_late_pct"] = 0.02,
    };

    private readonly Dictionary<(string Metric, Cohort Cohort, string? Journey), Func<int, double?>> _changes = new();

    private ShippedPlan(string file)
    {
        var result = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Plan = result.Plan!;
    }

    /// <summary>plans/directive-004-ramp-1-10-25-50-100.yaml: 1% → 10% → 25% → 50% → 100%.</summary>
    public static ShippedPlan Fast() => new("directive-004-ramp-1-10-25-50-100.yaml");

    /// <summary>plans/directive-000-staging-soak-then-10-50-100.yaml: soaks 1.5x → 2x → drills, then 10% → 50% → 100%.</summary>
    public static ShippedPlan Soak() => new("directive-000-staging-soak-then-10-50-100.yaml");

    /// <summary>plans/directive-002-phased-canary-5-25-50-100.yaml: 5% → 25% → 50% → 100%.</summary>
    public static ShippedPlan Slow() => new("directive-002-phased-canary-5-25-50-100.yaml");

    public RolloutPlan Plan { get; }

    public int PhaseIndex(string name) => Plan.PhaseIndexOf(name);

    /// <summary>Sets one series (minute → value, null for no sample); journey null is the overall series.</summary>
    public ShippedPlan Set(string metric, Cohort cohort, string? journey, Func<int, double?> value)
    {
        _changes[(metric, cohort, journey)] = value;
        return this;
    }

    /// <summary>Sets a metric's canary (or control) on the overall series and every journey.</summary>
    public ShippedPlan SetEverywhere(string metric, Cohort cohort, Func<int, double?> value)
    {
        foreach (var journey in new string?[] { null }.Concat(Plan.FindMetric(metric)!.Journeys))
        {
            Set(metric, cohort, journey, value);
        }

        return this;
    }

    /// <summary>Every series of the plan, minute by minute over [T0, T0 + minutes).</summary>
    public List<MetricSample> Samples(int minutes)
    {
        var samples = new List<MetricSample>();
        foreach (var metric in Plan.Metrics)
        {
            foreach (var journey in new string?[] { null }.Concat(metric.Journeys))
            {
                foreach (var cohort in new[] { Cohort.Control, Cohort.Canary })
                {
                    var change = _changes.GetValueOrDefault((metric.Key, cohort, journey));
                    for (var minute = 0; minute < minutes; minute++)
                    {
                        var value = change is null ? Healthy.GetValueOrDefault(metric.Key, 1.0) : change(minute);
                        if (value is { } v)
                        {
                            samples.Add(new MetricSample(metric.Key, cohort, journey, T0.AddMinutes(minute), v));
                        }
                    }
                }
            }
        }

        return samples;
    }

    /// <summary>
    /// Judges the phase named <paramref name="phase"/> that started <paramref name="phaseStartMinute"/> minutes after T0,
    /// <paramref name="minutes"/> minutes after T0, with samples from T0 on.
    /// </summary>
    public RolloutVerdict Judge(string phase, int phaseStartMinute, int minutes, IReadOnlyList<ApprovalGiven>? approvals = null, IReadOnlyList<ProbeRun>? probes = null, bool ended = false) =>
        RolloutEvaluator.Default.Evaluate(Plan, new EvaluationInput(PhaseIndex(phase), T0.AddMinutes(phaseStartMinute), T0.AddMinutes(minutes), Samples(minutes), probes, approvals)
        {
            RolloutStartedAt = T0,
            RolloutEnded = ended,
        });
}
