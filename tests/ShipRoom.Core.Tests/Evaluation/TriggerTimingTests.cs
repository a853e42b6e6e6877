using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.TestPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>A trigger "for: 5m" fires on the fifth consecutive bad minute: not the fourth, not the sixth.</summary>
public sealed class TriggerTimingTests
{
    private const string ErrorTrigger = """
        triggers:
          - key: error-rate
            metric: error_rate_pct
            fires: '> 0.5 %'
            for: 5m
            action: rollback
        """;

    private static TriggerVerdict Judge(string triggers, IEnumerable<MetricSample> samples, int minutesElapsed, IReadOnlyList<ProbeRun>? probes = null)
    {
        var plan = Parse(triggers);
        var input = new EvaluationInput(0, Start, Start.AddMinutes(minutesElapsed), samples.ToList(), probes);
        return RolloutEvaluator.Default.Evaluate(plan, input, triggersFrom: Start).Triggers.Single();
    }

    private static IEnumerable<MetricSample> Errors(params double?[] values) => Series("error_rate_pct", Cohort.Canary, Start, values);

    [Theory]
    [InlineData(4, TriggerState.Arming)]
    [InlineData(5, TriggerState.Fired)]
    [InlineData(6, TriggerState.Fired)]
    public void Five_bad_minutes_fire_a_five_minute_trigger(int badMinutes, TriggerState expected)
    {
        var verdict = Judge(ErrorTrigger, Errors(Repeat(0.9, badMinutes).ToArray()), badMinutes);

        Assert.Equal(expected, verdict.State);
        if (expected == TriggerState.Fired)
        {
            Assert.Equal(Start.AddMinutes(4), verdict.FiredAt);
        }
        else
        {
            Assert.Equal(TimeSpan.FromMinutes(4), verdict.HeldFor);
            Assert.Equal(TimeSpan.FromMinutes(1), verdict.Remaining);
        }
    }

    [Fact]
    public void Fifteen_minutes_arriving_in_one_poll_are_judged_minute_by_minute()
    {
        // Three good minutes, then twelve bad: it fired on the fifth bad one (minute 7), not at the poll.
        var values = Repeat(0.2, 3).Concat(Repeat(0.9, 12)).ToArray();

        var verdict = Judge(ErrorTrigger, Errors(values), 15);

        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(7), verdict.FiredAt);
        Assert.Equal(Start.AddMinutes(3), verdict.FirstBadMinute);
    }

    [Fact]
    public void One_good_minute_resets_the_streak()
    {
        var verdict = Judge(ErrorTrigger, Errors(0.9, 0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9), 9);

        Assert.Equal(TriggerState.Arming, verdict.State);
        Assert.Equal(4, verdict.ConsecutiveBad);
    }

    [Fact]
    public void A_minute_without_data_neither_counts_nor_resets()
    {
        var gap = Errors(0.9, 0.9, null, 0.9, 0.9).ToList();
        var nan = Errors(0.9, 0.9, double.NaN, 0.9, 0.9, 0.9).ToList();

        var beforeLastBad = Judge(ErrorTrigger, gap, 5);
        var afterFifthBad = Judge(ErrorTrigger, nan, 6);

        Assert.Equal(TriggerState.Arming, beforeLastBad.State);
        Assert.Equal(4, beforeLastBad.ConsecutiveBad);
        Assert.Equal(TriggerState.Fired, afterFifthBad.State);
        Assert.Equal(Start.AddMinutes(5), afterFifthBad.FiredAt);
    }

    [Fact]
    public void Only_no_data_leaves_the_trigger_undecided_not_calm()
    {
        var verdict = Judge(ErrorTrigger, Errors(null, null, null), 3);
        Assert.Equal(TriggerState.NoData, verdict.State);
    }

    [Fact]
    public void Flapping_three_bad_three_good_never_fires()
    {
        var values = Enumerable.Range(0, 60).Select(i => (double?)(i % 6 < 3 ? 0.9 : 0.2)).ToArray();

        var verdict = Judge(ErrorTrigger, Errors(values), 60);

        Assert.NotEqual(TriggerState.Fired, verdict.State);
    }

    [Theory]
    [InlineData(9, TriggerState.Arming)]
    [InlineData(10, TriggerState.Fired)]
    [InlineData(11, TriggerState.Fired)]
    public void Ten_minutes_across_two_consecutive_checks_fires_on_the_tenth_bad_minute(int badMinutes, TriggerState expected)
    {
        const string journeyTrigger = """
            triggers:
              - key: p95-journeys
                metric: p95_latency_ms
                journey: any
                fires: '> 120 ms'
                for: 10m
                checks: 2
                action: hold
            """;
        // Search is slow, checkout is fine: "any critical journey" is enough.
        var samples = Series("p95_latency_ms", Cohort.Canary, Start, Repeat(125, badMinutes), "search")
            .Concat(Series("p95_latency_ms", Cohort.Canary, Start, Repeat(90, badMinutes), "checkout"))
            .Concat(Series("p95_latency_ms", Cohort.Canary, Start, Repeat(95, badMinutes)));

        var verdict = Judge(journeyTrigger, samples, badMinutes);

        Assert.Equal(expected, verdict.State);
        Assert.Equal(10, verdict.Required);
        Assert.Equal("search", verdict.Journey);
        Assert.Contains("P95 latency (search) canary 125 ms", verdict.Detail);
        if (expected == TriggerState.Fired)
        {
            // Once fired it keeps the streak that fired it: never "11 of 10".
            Assert.Equal((10, Start.AddMinutes(9)), (verdict.ConsecutiveBad, verdict.FiredAt!.Value));
        }
    }

    [Theory]
    [InlineData(2, TriggerState.Arming)]
    [InlineData(3, TriggerState.Fired)]
    public void Three_consecutive_probe_failures_fire_the_probe_trigger(int failures, TriggerState expected)
    {
        const string probeTrigger = """
            triggers:
              - key: probes
                probeFailures: 3
                action: rollback
            """;
        var runs = new List<ProbeRun> { new("health", Start, true) };
        runs.AddRange(Enumerable.Range(1, failures).Select(i => new ProbeRun("health", Start.AddMinutes(i), false, "503")));
        runs.Add(new ProbeRun("ready", Start.AddMinutes(2), false, "timeout"));

        var verdict = Judge(probeTrigger, [], failures + 1, runs);

        Assert.Equal(expected, verdict.State);
        Assert.Equal(failures, verdict.ConsecutiveBad);
    }

    [Fact]
    public void Minutes_before_the_canary_took_traffic_never_count()
    {
        // The hour before the start is baseline: bad canary values there are not a sustained breach.
        var plan = Parse(ErrorTrigger);
        var samples = Series("error_rate_pct", Cohort.Canary, Start.AddMinutes(-30), Repeat(0.9, 32)).ToList();

        var verdict = RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(0, Start, Start.AddMinutes(2), samples)).Triggers.Single();

        Assert.Equal(TriggerState.Arming, verdict.State);
        Assert.Equal(2, verdict.ConsecutiveBad);
    }
}
