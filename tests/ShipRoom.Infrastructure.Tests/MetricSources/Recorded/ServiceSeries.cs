using System.Globalization;
using System.Text;

namespace ShipRoom.Infrastructure.Tests.MetricSources.Recorded;

/// <summary>What goes wrong with the canary from <see cref="ServiceSeries.RegressionFrom"/> on: one area at a time.</summary>
public enum Regression
{
    None,
    Latency,
    Errors,
    Payments,
    Cache,
    Database,
    Cost,

    /// <summary>5xx in bursts: 2 minutes at 30% every 12 minutes. Never sustained 10 minutes over 0.5%, but it burns the error budget at ~50×.</summary>
    ErrorBursts,

    /// <summary>5xx steady at 0.45%: under every 0.5% limit, a 4.5× burn of a 99.9% SLO's budget.</summary>
    SlowBurn,

    /// <summary>The autoscaler flaps: a scale event a minute (a per-minute count is judged in whole events).</summary>
    ScaleThrash,

    /// <summary>
    /// Six canary payment attempts fail in the first minute (three a scrape) and none succeeds from a minute before to
    /// two minutes after: a run of six failures spread over two minutes, too short for any 5-minute ratio trigger.
    /// </summary>
    PaymentFailureRun,

    /// <summary>Cache hit at 78% and request latency 1.35× (P95 ~130 ms): directive 004's "cache hit &lt; 85% with user-visible latency".</summary>
    CacheWithLatency,

    /// <summary>DB pool at 88% and queries 3× slower (P95 ~54 ms): directive 004's "DB saturation &gt; 80% with spillover risk".</summary>
    DatabaseSpillover,
}

/// <summary>
/// A few hours of a service as an exporter would have shown it, written as OpenMetrics for
/// <c>promtool tsdb create-blocks-from openmetrics</c>: request latency histograms per journey, request counters by
/// status code, payments, CDN, database pool, containers, cost and funnels, for the control and the canary cohort
/// (<c>track="control"</c> / <c>track="canary"</c>). Counters grow by rate × step; histograms hold cumulative bucket
/// counts whose quantiles are the levels below. Both cohorts ride the same hourly traffic wave (bounded, so a healthy
/// canary is never 3σ from its control's last hour); a regression is the only difference between them.
/// </summary>
public sealed class ServiceSeries
{
    public static readonly string[] Journeys = ["search", "checkout", "sign_up", "provider_dashboard"];

    private static readonly string[] Tracks = ["control", "canary"];

    private static readonly Dictionary<string, double> JourneyLatencyScale = new(StringComparer.Ordinal)
    {
        ["search"] = 1.0, ["checkout"] = 1.05, ["sign_up"] = 0.9, ["provider_dashboard"] = 1.03,
    };

    // Upper bounds in seconds: 10 ms apart where the directives' limits sit, so histogram_quantile lands within a bucket of the level.
    private static readonly double[] LatencyBuckets =
        [0.01, 0.025, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.22, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 1, 2.5];

    private static readonly double[] TtiBuckets = [0.25, 0.5, 0.75, 1, 1.1, 1.2, 1.3, 1.5, 2, 3, 5, 10];

    private static readonly double[] DbBuckets = [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25];

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public Regression Regression { get; init; } = Regression.None;

    public DateTimeOffset RegressionFrom { get; init; }

    /// <summary>A single canary transaction of <see cref="LargeTransactionUsd"/> in the minute from this time (the per-transaction cap's test).</summary>
    public DateTimeOffset? LargeTransactionAt { get; init; }

    public double LargeTransactionUsd { get; init; } = 25;

    /// <summary>How often the exporter was scraped: 30 s, so increase(...[1m]) always sees two samples.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every metric name written (a plan's queries must name only these to be read back).</summary>
    public static IReadOnlySet<string> MetricNames { get; } = new HashSet<string>(Definitions(new ServiceSeries { From = default, To = default }).Select(d => d.Name), StringComparer.Ordinal);

    public void WriteTo(TextWriter writer)
    {
        var times = new List<DateTimeOffset>();
        for (var t = From; t <= To; t += Step)
        {
            times.Add(t);
        }

        var line = new StringBuilder();
        // One metric family after another, as an exposition lists them.
        foreach (var series in Definitions(this).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var total = 0.0;
            foreach (var time in times)
            {
                var value = series.Value(time);
                if (series.Counter)
                {
                    total += value * Step.TotalSeconds;
                    // An event counter counts whole events, as a client library's counter does: an event is not seen until it happened.
                    value = series.Whole ? Math.Floor(total + 1e-9) : total;
                }

                line.Clear().Append(series.Name).Append('{').Append(series.Labels).Append("} ")
                    .Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                    .Append(time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                writer.Write(line.Append('\n'));
            }
        }

        writer.Write("# EOF\n");
    }

    private sealed record Series(string Name, string Labels, bool Counter, Func<DateTimeOffset, double> Value, bool Whole = false);

    private bool Regressed(string track, Regression area, DateTimeOffset time) => track == "canary" && Regression == area && time >= RegressionFrom;

    /// <summary>The hourly traffic wave, the same for both cohorts: 1 ± <paramref name="amplitude"/>.</summary>
    private double Wave(DateTimeOffset time, double amplitude, double shift = 0) =>
        1 + amplitude * Math.Sin(2 * Math.PI * ((time - From).TotalMinutes / 60.0) + shift);

    private static IEnumerable<Series> Definitions(ServiceSeries s)
    {
        foreach (var track in Tracks)
        {
            var cohort = $"track=\"{track}\"";
            // Requests, per journey: latency histogram and status codes.
            foreach (var journey in Journeys)
            {
                var labels = $"{cohort},journey=\"{journey}\"";
                double Rps(DateTimeOffset t) => 40 * s.Wave(t, 0.05);
                double Latency(DateTimeOffset t, double healthyMs, double regressedFactor) =>
                    healthyMs * JourneyLatencyScale[journey] * s.Wave(t, 0.02, 1) *
                    (s.Regressed(track, Regression.Latency, t) ? regressedFactor : s.Regressed(track, Regression.CacheWithLatency, t) ? 1.35 : 1);
                foreach (var bound in LatencyBuckets.Select(b => (double?)b).Append(null))
                {
                    yield return new Series("http_request_duration_seconds_bucket", $"{labels},le=\"{(bound is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "+Inf")}\"", true,
                        t => Rps(t) * (bound is { } le ? Cdf(le * 1000, Latency(t, 45, 1.6), Latency(t, 96, 3.5), Latency(t, 185, 3.5)) : 1));
                }

                double Share5xx(DateTimeOffset t) =>
                    s.Regressed(track, Regression.SlowBurn, t) ? 0.0045
                    : s.Regressed(track, Regression.ErrorBursts, t) && (t - s.RegressionFrom).TotalMinutes % 12 < 2 ? 0.30
                    : 0.0012 * s.Wave(t, 0.1, 2) * (s.Regressed(track, Regression.Errors, t) ? 12 : 1);
                yield return new Series("http_requests_total", $"{labels},code=\"500\"", true, t => Rps(t) * Share5xx(t));
                yield return new Series("http_requests_total", $"{labels},code=\"404\"", true, t => Rps(t) * 0.004);
                yield return new Series("http_requests_total", $"{labels},code=\"401\"", true, t => Rps(t) * 0.01);
                yield return new Series("http_requests_total", $"{labels},code=\"200\"", true, t => Rps(t) * (1 - 0.014 - Share5xx(t)));
            }

            double Pages(DateTimeOffset t) => 25 * s.Wave(t, 0.05);
            yield return new Series("client_page_views_total", cohort, true, Pages);
            yield return new Series("client_js_errors_total", cohort, true, t => Pages(t) * 0.0015 * s.Wave(t, 0.1, 3) * (s.Regressed(track, Regression.Errors, t) ? 6 : 1));
            yield return new Series("probe_success", cohort, false, _ => 1);

            // Payments: started → authorised → captured → completed, with amounts and refunds. The canary takes live
            // payments under the directives' caps (100 transactions, $20 each, $1,500): about 12 an hour at $12.50, so
            // a whole 6.5-hour rollout of directive 003 (whose caps hold through 100%) takes about 80.
            double Started(DateTimeOffset t) => (track == "canary" ? 0.2 / 60 : 0.05) * s.Wave(t, 0.05);
            double Failing(DateTimeOffset t) => s.Regressed(track, Regression.Payments, t) ? 0.035 : 0;
            yield return new Series("payments_started_total", cohort, true, Started);
            yield return new Series("payments_completed_total", cohort, true, t => Started(t) * (0.998 - Failing(t)));
            yield return new Series("payments_amount_usd_total", cohort, true, t => Started(t) * (0.998 - Failing(t)) * 12.5);
            yield return new Series("payment_refunds_total", cohort, true, t => Started(t) * 0.003);
            // The largest single payment of the last minute, as the payment service exports it (a gauge).
            yield return new Series("payments_largest_amount_usd", cohort, false, t =>
                track == "canary" && s.LargeTransactionAt is { } at && t >= at && t < at.AddMinutes(1) ? s.LargeTransactionUsd : Math.Round(14 * s.Wave(t, 0.1, 10), 2));
            yield return new Series("payment_auth_total", $"{cohort},result=\"approved\"", true, t => Started(t) * (0.9985 - Failing(t)));
            yield return new Series("payment_auth_total", $"{cohort},result=\"declined\"", true, t => Started(t) * (0.0015 + Failing(t)));
            yield return new Series("payment_capture_total", $"{cohort},result=\"ok\"", true, t => Started(t) * (0.999 - Failing(t)));
            yield return new Series("payment_capture_total", $"{cohort},result=\"failed\"", true, t => Started(t) * (0.001 + Failing(t)));
            // Every payment attempt's outcome as whole events (directive 002's "> 5 consecutive failures" counts them).
            bool InFailureRun(DateTimeOffset t, int fromMinute, int toMinute) =>
                s.Regressed(track, Regression.PaymentFailureRun, t.AddMinutes(-fromMinute)) && t < s.RegressionFrom.AddMinutes(toMinute);
            yield return new Series("payment_attempts_total", $"{cohort},result=\"succeeded\"", true, t => InFailureRun(t, -1, 2) ? 0 : Started(t) * 0.998, Whole: true);
            yield return new Series("payment_attempts_total", $"{cohort},result=\"failed\"", true, t => InFailureRun(t, 0, 1) ? 3 / s.Step.TotalSeconds : 0, Whole: true);

            // CDN.
            double Cdn(DateTimeOffset t) => 300 * s.Wave(t, 0.05);
            double Hit(DateTimeOffset t) => s.Regressed(track, Regression.Cache, t) || s.Regressed(track, Regression.CacheWithLatency, t) ? 0.78 : 0.92 * s.Wave(t, 0.005, 4);
            yield return new Series("cdn_requests_total", cohort, true, Cdn);
            yield return new Series("cdn_cache_hits_total", cohort, true, t => Cdn(t) * Hit(t));
            yield return new Series("cdn_origin_requests_total", cohort, true, t => Cdn(t) * (1 - Hit(t)));

            // Database pool and query latency.
            yield return new Series("db_pool_size", cohort, false, _ => 200);
            yield return new Series("db_pool_in_use", cohort, false, t => Math.Round(200 * (s.Regressed(track, Regression.Database, t) || s.Regressed(track, Regression.DatabaseSpillover, t) ? 0.88 : 0.55 * s.Wave(t, 0.03, 5))));
            foreach (var bound in DbBuckets.Select(b => (double?)b).Append(null))
            {
                yield return new Series("db_query_duration_seconds_bucket", $"{cohort},le=\"{(bound is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "+Inf")}\"", true,
                    t => 80 * (bound is { } le ? Cdf(le * 1000 / (s.Regressed(track, Regression.DatabaseSpillover, t) ? 3 : 1), 8, 18, 30) : 1));
            }

            // Autoscaler: scale events (none while healthy).
            yield return new Series("autoscaler_scale_events_total", cohort, true, t => s.Regressed(track, Regression.ScaleThrash, t) ? 1.0 / 60 : 0, Whole: true);
            // The latest scale-up, decision to new pods ready: about 35 s.
            yield return new Series("autoscaler_last_scale_up_duration_seconds", cohort, false, t => Math.Round(35 * s.Wave(t, 0.05, 11), 1));

            // Analytics events: about 0.02% dropped or late.
            double Events(DateTimeOffset t) => 50 * s.Wave(t, 0.05);
            yield return new Series("analytics_events_total", $"{cohort},outcome=\"delivered\"", true, t => Events(t) * 0.9998);
            yield return new Series("analytics_events_total", $"{cohort},outcome=\"dropped\"", true, t => Events(t) * 0.0001);
            yield return new Series("analytics_events_total", $"{cohort},outcome=\"late\"", true, t => Events(t) * 0.0001);

            // Containers: two pods per cohort, 2 CPUs (quota 200000 µs per 100 ms period) and 4 GiB each.
            foreach (var pod in new[] { $"{track}-0", $"{track}-1" })
            {
                var labels = $"{cohort},pod=\"{pod}\"";
                yield return new Series("container_cpu_usage_seconds_total", labels, true, t => 2 * 0.48 * s.Wave(t, 0.03, 6));
                yield return new Series("container_spec_cpu_quota", labels, false, _ => 200000);
                yield return new Series("container_memory_working_set_bytes", labels, false, t => Math.Round(4294967296 * 0.58 * s.Wave(t, 0.02, 7)));
                yield return new Series("container_spec_memory_limit_bytes", labels, false, _ => 4294967296);
            }

            // Unit economics: cloud cost per user and per request, AI token cost and revenue (the 4x markup), margin.
            double Cost(DateTimeOffset t) => 0.176 * s.Wave(t, 0.05) * (s.Regressed(track, Regression.Cost, t) ? 1.09 : 1);
            double AiRequests(DateTimeOffset t) => 5 * s.Wave(t, 0.05);
            double TokenCost(DateTimeOffset t) => AiRequests(t) * 0.0022 * (s.Regressed(track, Regression.Cost, t) ? 1.25 : 1);
            yield return new Series("cloud_cost_usd_total", cohort, true, Cost);
            yield return new Series("active_users", cohort, false, t => Math.Round(0.176 * s.Wave(t, 0.05) / 0.042 * 1000) / 1000);
            yield return new Series("ai_requests_total", cohort, true, AiRequests);
            yield return new Series("ai_token_cost_usd_total", cohort, true, TokenCost);
            yield return new Series("ai_revenue_usd_total", cohort, true, t => AiRequests(t) * 0.0022 * 4.6);
            yield return new Series("revenue_usd_total", cohort, true, t => 0.176 * s.Wave(t, 0.05) / 0.62);

            // Funnels.
            double SignUps(DateTimeOffset t) => 2 * s.Wave(t, 0.05);
            double Sessions(DateTimeOffset t) => 1.5 * s.Wave(t, 0.05);
            yield return new Series("funnel_signup_started_total", cohort, true, SignUps);
            yield return new Series("funnel_signup_completed_total", cohort, true, t => SignUps(t) * 0.62 * s.Wave(t, 0.002, 8));
            yield return new Series("funnel_first_session_started_total", cohort, true, Sessions);
            yield return new Series("funnel_first_session_completed_total", cohort, true, t => Sessions(t) * 0.48 * s.Wave(t, 0.002, 9));

            // Real-user monitoring: the provider dashboard's time to first interaction, P75 about 1.5 s.
            foreach (var bound in TtiBuckets.Select(b => (double?)b).Append(null))
            {
                yield return new Series("rum_time_to_first_interaction_seconds_bucket", $"{cohort},page=\"provider_dashboard\",le=\"{(bound is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "+Inf")}\"", true,
                    t => 2 * s.Wave(t, 0.05) * (bound is { } le ? Cdf(le * 1000, 900, 2000, 3200) : 1));
            }
        }
    }

    /// <summary>Share of requests at or under <paramref name="ms"/>: piecewise linear through P50, P95 and P99, all done by twice P99.</summary>
    private static double Cdf(double ms, double p50, double p95, double p99)
    {
        (double X, double Y)[] points = [(0, 0), (p50, 0.5), (p95, 0.95), (p99, 0.99), (2 * p99, 1)];
        for (var i = 1; i < points.Length; i++)
        {
            if (ms <= points[i].X)
            {
                var (x0, y0) = points[i - 1];
                return y0 + (points[i].Y - y0) * (ms - x0) / (points[i].X - x0);
            }
        }

        return 1;
    }
}
