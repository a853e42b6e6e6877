using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.TestPlans;

namespace ShipRoom.Core.Tests.Evaluation;

public sealed class GateAndAdvanceTests
{
    private const string LatencyGate = """
        gates:
          - key: p95
            name: P95 <= 130 ms
            metric: p95_latency_ms
            pass: '<= 130 ms'
            yellow: 10%
        """;

    private static RolloutVerdict Judge(string body, IEnumerable<MetricSample> samples, int minutesElapsed, int phase = 0, IReadOnlyList<ApprovalGiven>? approvals = null, string settings = "") =>
        RolloutEvaluator.Default.Evaluate(Parse(body, settings), new EvaluationInput(phase, Start, Start.AddMinutes(minutesElapsed), samples.ToList(), Approvals: approvals));

    private static IEnumerable<MetricSample> P95(params double?[] values) => P95Everywhere(Cohort.Canary, Start, values);

    [Fact]
    public void A_missing_minute_is_no_data_and_blocks_advancing()
    {
        var values = Repeat(100, 15).ToArray();
        values[7] = null;

        var verdict = Judge(LatencyGate, P95(values), 15);

        var gate = verdict.Gates.Single();
        Assert.Equal(GateStatus.Green, gate.Status);
        Assert.False(gate.PassedThroughoutWindow);
        Assert.Equal(1, gate.MinutesNoData);
        Assert.False(verdict.Advance.MayAdvance);
        Assert.Contains(verdict.Advance.Missing, m => m.Contains("NO DATA at 10:07", StringComparison.Ordinal));
    }

    [Fact]
    public void The_window_must_have_elapsed_and_says_how_much_is_left()
    {
        var verdict = Judge(LatencyGate, P95(Repeat(100, 4).ToArray()), 4);

        Assert.False(verdict.Advance.MayAdvance);
        Assert.Contains("4 of 15 minutes observed", verdict.Advance.Missing);
        Assert.Equal(RecommendationKind.Continue, verdict.Recommendation.Kind);
    }

    [Fact]
    public void Green_for_every_minute_of_the_window_recommends_go()
    {
        var verdict = Judge(LatencyGate, P95(Repeat(100, 15).ToArray()), 15);

        Assert.True(verdict.Advance.MayAdvance);
        Assert.Equal(RecommendationKind.Go, verdict.Recommendation.Kind);
        Assert.Contains("advance to 50%", verdict.Recommendation.Reasons[0]);
        Assert.Equal(GateStatus.Green, verdict.Overall);
    }

    [Fact]
    public void A_red_minute_in_the_window_blocks_until_a_whole_clean_window_follows()
    {
        var values = Repeat(100, 20).ToArray();
        values[3] = 131;

        var during = Judge(LatencyGate, P95(values[..15]), 15);
        var after = Judge(LatencyGate, P95(values), 19);

        Assert.False(during.Advance.MayAdvance);
        Assert.Contains(during.Advance.Missing, m => m.Contains("RED at 10:03", StringComparison.Ordinal));
        Assert.True(after.Advance.MayAdvance);
    }

    [Fact]
    public void Yellow_warns_and_passes_exactly_as_green_does()
    {
        var verdict = Judge(LatencyGate, P95(Repeat(125, 15).ToArray()), 15);

        var gate = verdict.Gates.Single();
        Assert.Equal(GateStatus.Yellow, gate.Status);
        Assert.Equal("YELLOW", gate.StatusText);
        Assert.True(gate.PassedThroughoutWindow);
        Assert.Equal((0, 15, 15), (gate.MinutesGreen, gate.MinutesYellow, gate.MinutesPassed));
        Assert.True(verdict.Advance.MayAdvance);
        Assert.Equal(RecommendationKind.Go, verdict.Recommendation.Kind);
        Assert.Contains("P95 <= 130 ms YELLOW on 15, inside the warning margin", verdict.Recommendation.Reasons[0]);
    }

    [Fact]
    public void A_red_gate_recommends_hold_and_says_why()
    {
        var verdict = Judge(LatencyGate, P95(Repeat(100, 10).Concat(Repeat(140, 2)).ToArray()), 12);

        Assert.Equal(GateStatus.Red, verdict.Overall);
        Assert.Equal(Start.AddMinutes(10), verdict.Gates.Single().Since);
        Assert.Equal(RecommendationKind.Hold, verdict.Recommendation.Kind);
        Assert.Contains("P95 latency 140 ms at 10:11 UTC fails <= 130 ms: RED", verdict.Recommendation.Reasons.Single());
    }

    [Fact]
    public void No_data_for_longer_than_the_plan_allows_recommends_hold()
    {
        var verdict = Judge(LatencyGate, P95(Repeat(100, 5).Concat(Repeat(null, 10)).ToArray()), 15, settings: "settings:\n  noData:\n    holdAfter: 10m");

        Assert.Equal(GateStatus.NoData, verdict.Overall);
        Assert.Equal(RecommendationKind.Hold, verdict.Recommendation.Kind);
        Assert.Contains("NO DATA for 10 minutes", verdict.Recommendation.Reasons.Single());
    }

    [Fact]
    public void Any_journey_gate_takes_the_worst_journey_and_a_missing_journey_is_no_data()
    {
        const string gate = """
            gates:
              - key: p95-journeys
                metric: p95_latency_ms
                journey: any
                pass: '<= 130 ms'
            """;
        var slowCheckout = Series("p95_latency_ms", Cohort.Canary, Start, Repeat(100, 3), "search")
            .Concat(Series("p95_latency_ms", Cohort.Canary, Start, Repeat(135, 3), "checkout"));
        var missingCheckout = Series("p95_latency_ms", Cohort.Canary, Start, Repeat(100, 3), "search");

        var red = Judge(gate, slowCheckout, 3).Gates.Single();
        var noData = Judge(gate, missingCheckout, 3).Gates.Single();

        Assert.Equal((GateStatus.Red, "checkout", 135.0), (red.Status, red.Journey, red.Canary!.Value));
        Assert.Equal(GateStatus.NoData, noData.Status);
    }

    [Fact]
    public void Relative_gates_use_only_minutes_where_both_cohorts_have_data()
    {
        const string gate = """
            gates:
              - key: cost
                metric: cost_per_user_usd
                pass: within 5% of control
            """;
        var samples = Series("cost_per_user_usd", Cohort.Canary, Start, [0.0441, 0.0441, 0.0441])
            .Concat(Series("cost_per_user_usd", Cohort.Control, Start, [0.042, null, 0.042]));

        var history = Judge(gate, samples, 3).Gates.Single().History;

        Assert.Equal([GateStatus.Green, GateStatus.NoData, GateStatus.Green], history.Select(m => m.Status));
    }

    [Fact]
    public void Gates_named_for_other_phases_are_not_judged_here()
    {
        const string gates = """
            gates:
              - key: soak
                metric: p95_latency_ms
                pass: '<= 130 ms'
                phases: [10%]
              - key: target
                metric: p95_latency_ms
                pass: '<= 120 ms'
                phases: [50%, 100%]
            """;

        Assert.Equal(["soak"], Judge(gates, P95(125), 1, phase: 0).Gates.Select(g => g.Key));
        Assert.Equal(["target"], Judge(gates, P95(125), 1, phase: 1).Gates.Select(g => g.Key));
    }
}
