using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.ShippedPlans;

/// <summary>
/// Directive 004's combined rollback triggers at their boundaries, on plans/directive-004-ramp-1-10-25-50-100.yaml as
/// it ships: "Cache hit &lt;85% with user-visible latency", "DB saturation &gt;80% with spillover risk".
/// </summary>
public sealed class Directive004RulesTests
{
    [Theory]
    [InlineData(84.99, 120.01, true)]
    [InlineData(85.0, 140.0, false)]    // the cache holds: latency alone is another trigger's business
    [InlineData(80.0, 120.0, false)]    // the latency is at its target, not over it
    public void Cache_under_85_with_p95_over_120_on_a_journey_rolls_back_on_the_first_minute(double cacheHit, double checkoutP95, bool fires)
    {
        var plan = ShippedPlan.Fast()
            .Set("cache_hit_pct", Cohort.Canary, null, m => m >= 5 ? cacheHit : 92)
            .Set("p95_latency_ms", Cohort.Canary, "checkout", m => m >= 5 ? checkoutP95 : 96);

        var verdict = plan.Judge("10%", 0, 6);

        var trigger = verdict.Triggers.Single(t => t.Key == "cache-with-latency");
        Assert.Equal(fires, trigger.State == TriggerState.Fired);
        if (fires)
        {
            Assert.Equal(ShippedPlan.T0.AddMinutes(5), trigger.FiredAt);
            Assert.Contains("P95 latency (checkout) 120.01 ms (> 120 ms)", trigger.Reason);
            Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
        }

        // 003's stricter single-condition trigger still watches the cache alone (10 minutes).
        Assert.NotEqual(TriggerState.Fired, verdict.Triggers.Single(t => t.Key == "cache-hit").State);
    }

    [Theory]
    [InlineData(80.01, 50.01, 0.12, true)]
    [InlineData(80.01, 50.0, 0.12, false)]
    [InlineData(80.01, 18.0, 0.51, true)]     // errors reaching users are the other sign of spillover
    [InlineData(80.0, 60.0, 0.9, false)]      // saturation at 80% is not over it
    public void Db_saturation_over_80_with_slow_queries_or_errors_rolls_back_on_the_first_minute(double saturation, double dbP95, double errors5xx, bool fires)
    {
        var plan = ShippedPlan.Fast()
            .Set("db_saturation_pct", Cohort.Canary, null, m => m >= 5 ? saturation : 55)
            .Set("db_p95_query_ms", Cohort.Canary, null, m => m >= 5 ? dbP95 : 18)
            .Set("error_rate_5xx_pct", Cohort.Canary, null, m => m >= 5 ? errors5xx : 0.12);

        var trigger = plan.Judge("10%", 0, 6).Triggers.Single(t => t.Key == "db-saturation-spillover");

        Assert.Equal(fires, trigger.State == TriggerState.Fired);
    }
}
