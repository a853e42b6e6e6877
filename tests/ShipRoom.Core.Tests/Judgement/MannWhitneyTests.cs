using ShipRoom.Core.Conditions;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Judgement;

public sealed class MannWhitneyTests
{
    private static readonly MetricDefinition Latency = new("p95_latency_ms", "P95", "ms", MetricPanel.Latency, BetterDirection.Lower, [], false, new Dictionary<string, string>());
    private static readonly JudgementSettings Settings = new([], 80, 60, 0.98, 0.05);

    [Fact]
    public void Shift_and_interval_match_the_hand_computation()
    {
        // Differences canary − control run from 6 to 14; their median is 10. With n = m = 5 at 98%: z = 2.3263,
        // var = 25·11/12 = 22.917, K = ⌊12.5 − 2.3263·4.787⌋ = 1, so the bounds are the 2nd smallest (7) and 2nd largest (13).
        var shift = new MannWhitneyTest().Compare([11, 12, 13, 14, 15], [1, 2, 3, 4, 5], 0.98);

        Assert.Equal(new ShiftEstimate(10, 7, 13), shift);
    }

    [Fact]
    public void Identical_series_have_no_shift()
    {
        double[] values = [100, 101, 99, 102, 98, 100];
        var shift = new MannWhitneyTest().Compare(values, values, 0.98);

        Assert.Equal(0, shift.Estimate);
        Assert.True(shift.Lower <= 0 && shift.Upper >= 0);
        Assert.Equal(JudgementOutcome.Pass, CanaryJudge.Default.JudgeMetric(Latency, values, values, Settings).Outcome);
    }

    [Fact]
    public void Tied_values_narrow_the_interval_as_the_tie_correction_says()
    {
        // Pooled ties: 1×2, 2×2, 5×2, 8×5, so Σ(t³ − t) = 6 + 6 + 6 + 120 = 138 over N(N − 1) = 132: var = 36/12·(13 − 1.045)
        // = 35.86 and K = ⌊18 − 2.3263·5.989⌋ = 4 (without the correction it would be 3, and the lower bound −6). The 36
        // differences sorted begin −6 −6 −6 −6 −5 −5 and end with six 7s: the 5th smallest is −5, the 5th largest 7.
        var shift = new MannWhitneyTest().Compare([2, 2, 3, 8, 8, 8], [1, 1, 5, 5, 8, 8], 0.98);

        Assert.Equal(new ShiftEstimate(0.5, -5, 7), shift);
    }

    [Fact]
    public void All_ties_keep_the_interval_at_zero()
    {
        var shift = new MannWhitneyTest().Compare([5, 5, 5, 5], [5, 5, 5, 5], 0.98);
        Assert.Equal(new ShiftEstimate(0, 0, 0), shift);
    }

    [Fact]
    public void A_clearly_slower_canary_is_worse_with_the_reason_in_words()
    {
        double[] control = [100, 101, 99, 100, 102, 98, 100, 101];
        double[] canary = [118, 119, 117, 118, 120, 116, 118, 119];

        var judgement = CanaryJudge.Default.JudgeMetric(Latency, canary, control, Settings);

        Assert.Equal(JudgementOutcome.Worse, judgement.Outcome);
        Assert.Equal(18.0, judgement.EffectPercent!.Value, 1);
        Assert.StartsWith("P95 +18% vs control (118.1 ms vs 100.1 ms), 98% CI +", judgement.Reason);
        Assert.EndsWith(", worse (tolerance 5%)", judgement.Reason);
    }

    [Fact]
    public void Direction_matters_a_higher_success_rate_is_better_not_worse()
    {
        var success = Latency with { Key = "payments", Name = "Payments", Better = BetterDirection.Higher };
        double[] control = [90, 90.2, 89.8, 90.1, 89.9];
        double[] canary = [99.9, 99.8, 99.9, 99.95, 99.85];

        Assert.Equal(JudgementOutcome.Better, CanaryJudge.Default.JudgeMetric(success, canary, control, Settings).Outcome);
        Assert.Equal(JudgementOutcome.Worse, CanaryJudge.Default.JudgeMetric(success, control, canary, Settings).Outcome);
    }

    [Fact]
    public void A_shift_inside_the_tolerance_passes()
    {
        double[] control = [100, 100.1, 99.9, 100, 100.2];
        double[] canary = [102, 102.1, 101.9, 102, 102.2];

        var judgement = CanaryJudge.Default.JudgeMetric(Latency, canary, control, Settings);

        Assert.Equal(JudgementOutcome.Pass, judgement.Outcome);
        Assert.Contains("no meaningful difference", judgement.Reason);
    }

    [Fact]
    public void Too_few_paired_minutes_is_no_data()
    {
        var judgement = CanaryJudge.Default.JudgeMetric(Latency, [100, 101], [100, 100], Settings);

        Assert.Equal(JudgementOutcome.NoData, judgement.Outcome);
        Assert.Contains("3 needed", judgement.Reason);
    }
}
