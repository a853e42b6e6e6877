using ShipRoom.Core.PostSuccess;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Reports;

namespace ShipRoom.Core.Tests.Reports;

/// <summary>KPI deltas vs control from stored samples: paired minutes only, NO DATA left out, better or worse by the metric's direction.</summary>
public sealed class KpiDeltaTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    private static MetricDefinition Metric(string key, string unit, BetterDirection better) =>
        new(key, key, unit, MetricPanel.Funnels, better, [], false, new Dictionary<string, string>());

    [Fact]
    public void Means_are_taken_over_the_minutes_both_cohorts_reported_and_judged_by_direction()
    {
        var signup = Metric("signup", "%", BetterDirection.Higher);
        var cost = Metric("cost", "usd", BetterDirection.Lower);
        List<MetricSample> samples =
        [
            new("signup", Cohort.Canary, null, T0, 80), new("signup", Cohort.Control, null, T0, 78),
            new("signup", Cohort.Canary, null, T0.AddMinutes(1), 82), new("signup", Cohort.Control, null, T0.AddMinutes(1), 80),
            new("signup", Cohort.Canary, null, T0.AddMinutes(2), 10), // no control this minute: not paired
            new("signup", Cohort.Canary, null, T0.AddMinutes(3), double.NaN), new("signup", Cohort.Control, null, T0.AddMinutes(3), 79),
            new("signup", Cohort.Canary, "checkout", T0, 1), new("signup", Cohort.Control, "checkout", T0, 99), // a journey: not the overall series
            new("cost", Cohort.Canary, null, T0, 0.11), new("cost", Cohort.Control, null, T0, 0.10),
            new("signup", Cohort.Canary, null, T0.AddMinutes(10), 0), new("signup", Cohort.Control, null, T0.AddMinutes(10), 100), // outside the window
        ];

        var deltas = KpiDeltas.Compute([signup, cost, Metric("arpu", "usd", BetterDirection.Higher)], samples, T0, T0.AddMinutes(10));

        var s = deltas[0];
        Assert.Equal((2, 81.0, 79.0), (s.Minutes, s.Canary!.Value, s.Control!.Value));
        Assert.Equal("better", s.Verdict);
        Assert.Equal("+2pp (+2.53%) better", s.Describe());
        Assert.Equal("worse", deltas[1].Verdict);
        Assert.Equal(10, deltas[1].RelativePercent!.Value, 6);
        Assert.StartsWith("+$0.01 (+10%) worse", deltas[1].Describe());
        var tiny = KpiDeltas.Compute([cost], [new("cost", Cohort.Canary, null, T0, 0.0420213), new("cost", Cohort.Control, null, T0, 0.042)], T0, T0.AddMinutes(1)).Single();
        Assert.Equal("+$0.0000213 (+0.05%) worse", tiny.Describe());
        Assert.Equal(("not measured", 0), (deltas[2].Verdict, deltas[2].Minutes));
    }
}
