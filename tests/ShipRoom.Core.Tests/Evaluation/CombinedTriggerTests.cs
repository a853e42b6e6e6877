using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.ExtendedPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>all:/any: in one trigger: "cache hit &lt; 85% with user-visible latency", "DB saturation &gt; 80% with spillover risk".</summary>
public sealed class CombinedTriggerTests
{
    private const string CacheWithLatency = """
        triggers:
          - key: cache-with-latency
            name: Cache hit < 85% with user-visible latency
            all:
              - metric: cache_hit_pct
                fires: '< 85 %'
              - metric: p95_latency_ms
                journey: overall
                fires: '> 120 ms'
            for: 10m
            action: rollback
        """;

    [Fact]
    public void All_fires_only_on_minutes_where_every_part_holds_and_the_reason_names_each_part()
    {
        // Cache low from minute 0, latency high only from minute 5: the streak starts at 5 and fires on its tenth minute.
        var samples = Canary("cache_hit_pct", Repeat(82, 20)).Concat(Canary("p95_latency_ms", [.. Repeat(100, 5), .. Repeat(131, 15)]));

        var verdict = Judge(CacheWithLatency, samples, 20);

        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(14), verdict.FiredAt);
        Assert.Equal(Start.AddMinutes(5), verdict.FirstBadMinute);
        Assert.Contains("Cache hit ratio 82% (< 85 %)", verdict.Reason);
        Assert.Contains("P95 latency 131 ms", verdict.Reason);
        Assert.Contains(" and ", verdict.Detail);
    }

    [Fact]
    public void One_part_alone_never_fires_an_all_trigger()
    {
        var samples = Canary("cache_hit_pct", Repeat(70, 30)).Concat(Canary("p95_latency_ms", Repeat(100, 30)));

        var verdict = Judge(CacheWithLatency, samples, 30);

        Assert.Equal(TriggerState.Idle, verdict.State);
    }

    [Fact]
    public void A_part_without_data_neither_counts_nor_resets_the_streak()
    {
        // Both bad for 5 minutes, latency missing for 3, both bad for 5 more: fires on the tenth bad minute (minute 12).
        double?[] latency = [.. Repeat(131, 5), .. Repeat(null, 3), .. Repeat(131, 5)];
        var samples = Canary("cache_hit_pct", Repeat(80, 13)).Concat(Canary("p95_latency_ms", latency));

        Assert.Equal(TriggerState.NoData, Judge(CacheWithLatency, samples, 8).State);
        var verdict = Judge(CacheWithLatency, samples, 13);
        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(12), verdict.FiredAt);
    }

    [Fact]
    public void Any_fires_on_either_part_and_names_only_the_parts_that_held()
    {
        const string saturation = """
            triggers:
              - key: db-spillover
                name: DB saturation > 80% with spillover risk
                all:
                  - metric: db_saturation_pct
                    fires: '> 80 %'
                  - any:
                      - count: {metric: db_queue_depth, moreThan: 50, in: 1m}
                      - metric: p95_latency_ms
                        journey: overall
                        fires: '> 120 ms'
                for: 3m
                action: rollback
            """;
        var samples = Canary("db_saturation_pct", Repeat(85, 5))
            .Concat(Canary("db_queue_depth", 60, 70, 80, 90, 95))
            .Concat(Canary("p95_latency_ms", Repeat(100, 5)));

        var verdict = Judge(saturation, samples, 5);

        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(2), verdict.FiredAt);
        Assert.Contains("DB saturation 85% (> 80 %)", verdict.Reason);
        Assert.Contains("db queue depth", verdict.Reason);
        Assert.DoesNotContain("P95 latency 100", verdict.Reason);
    }
}
