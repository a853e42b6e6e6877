namespace ShipRoom.Infrastructure.MetricSources.Simulation;

/// <summary>How one simulated metric behaves for the control: its level and how much it wanders minute to minute.</summary>
/// <remarks><paramref name="Whole"/>: a count of events, rounded to whole events.</remarks>
internal sealed record MetricProfile(double Baseline, double RelativeNoise, double Min = 0, double Max = double.MaxValue, bool Whole = false);

/// <summary>
/// The levels of a healthy service, chosen to sit comfortably inside the directives' gates: the noise of metrics judged
/// relative to the control (cost, funnels) keeps a healthy canary more than 7σ from their limits, so a healthy demo
/// never flaps.
/// </summary>
internal static class MetricProfiles
{
    private static readonly Dictionary<string, MetricProfile> Known = new(StringComparer.Ordinal)
    {
        ["p50_latency_ms"] = new(45, 0.03),
        ["p95_latency_ms"] = new(96, 0.025),
        ["p99_latency_ms"] = new(185, 0.03),
        ["error_rate_5xx_pct"] = new(0.12, 0.08, 0, 100),
        ["error_rate_4xx_non_auth_pct"] = new(0.40, 0.06, 0, 100),
        ["client_js_error_rate_pct"] = new(0.15, 0.08, 0, 100),
        ["error_rate_pct"] = new(0.20, 0.06, 0, 100),
        ["availability_pct"] = new(99.97, 0.0001, 0, 100),
        ["payments_e2e_success_pct"] = new(99.80, 0.0006, 0, 100),
        ["payments_auth_success_pct"] = new(99.85, 0.0005, 0, 100),
        ["payments_capture_success_pct"] = new(99.90, 0.0004, 0, 100),
        ["payment_declines_pct"] = new(2.1, 0.05, 0, 100),
        ["payment_refunds_pct"] = new(0.30, 0.06, 0, 100),
        // Live payments under the directives' caps (100 transactions, $1,500): about 12 an hour at $12.50, so even
        // directive 003's 6.5-hour rollout, whose caps hold through 100%, stays under them (~80 transactions, ~$1,000).
        ["payment_transactions_count"] = new(0.2, 0.5, 0),
        ["payment_dollars_total"] = new(2.5, 0.5, 0),
        ["payment_largest_usd"] = new(14, 0.15, 0, 19.5),
        // Charges (captures) that failed, and every payment attempt as whole events a minute: none fails while healthy.
        ["charge_error_rate_pct"] = new(0.10, 0.08, 0, 100),
        ["payment_successes_count"] = new(0.2, 0.5, 0, Whole: true),
        ["payment_failures_count"] = new(0, 0, 0, Whole: true),
        // Requests per minute for an availability SLO (good = not 5xx, derived from the 5xx rate of the same minute).
        ["requests_count"] = new(9600, 0.02, 0),
        // Autoscaler events: none while healthy.
        ["scale_events_count"] = new(0, 0, 0, Whole: true),
        // The autoscaler's latest scale-up (decision to pods ready) and the analytics events dropped or late.
        ["scale_up_seconds"] = new(35, 0.05, 0),
        ["events_dropped_late_pct"] = new(0.02, 0.1, 0, 100),
        ["cache_hit_pct"] = new(92, 0.006, 0, 100),
        ["origin_rps"] = new(120, 0.04),
        ["db_saturation_pct"] = new(55, 0.03, 0, 100),
        ["db_p95_query_ms"] = new(18, 0.05),
        ["db_connections"] = new(140, 0.03),
        ["cpu_utilisation_pct"] = new(48, 0.03, 0, 100),
        ["memory_headroom_pct"] = new(42, 0.02, 0, 100),
        ["cost_per_user_usd"] = new(0.042, 0.004),
        ["cost_per_request_usd"] = new(0.0011, 0.004),
        ["ai_cost_per_request_usd"] = new(0.0022, 0.01),
        ["ai_markup_ratio"] = new(4.6, 0.008),
        ["margin_pct"] = new(38, 0.005, -100, 100),
        ["signup_completion_pct"] = new(62, 0.0015, 0, 100),
        ["first_session_completion_pct"] = new(48, 0.002, 0, 100),
        ["provider_dashboard_error_pct"] = new(0.30, 0.06, 0, 100),
        ["provider_tti_ms"] = new(1200, 0.004),
    };

    /// <summary>Per-journey scale of latency: checkout and the provider dashboard are slower than search.</summary>
    private static readonly Dictionary<string, double> JourneyLatencyScale = new(StringComparer.OrdinalIgnoreCase)
    {
        ["search"] = 1.0,
        ["browse"] = 0.95,
        ["checkout"] = 1.1,
        ["payments"] = 1.1,
        ["sign_up"] = 0.9,
        ["provider_dashboard"] = 1.08,
    };

    public static MetricProfile For(string metricKey, string? journey)
    {
        var profile = Known.GetValueOrDefault(metricKey) ?? new MetricProfile(100, 0.02);
        if (journey is not null && metricKey.Contains("latency", StringComparison.Ordinal))
        {
            profile = profile with { Baseline = profile.Baseline * JourneyLatencyScale.GetValueOrDefault(journey, 1.0) };
        }

        return profile;
    }
}
