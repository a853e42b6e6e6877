using ShipRoom.Core.Judgement;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>What the canary judgement compares: per judged metric, the overall series' minutes in [from, to) where both cohorts have a value.</summary>
public static class CanaryPairs
{
    public static IReadOnlyDictionary<string, PairedSeries> Of(RolloutPlan plan, SeriesIndex series, DateTimeOffset from, DateTimeOffset to)
    {
        var pairs = new Dictionary<string, PairedSeries>(StringComparer.Ordinal);
        foreach (var metric in plan.Judgement.Groups.SelectMany(g => g.Metrics).Distinct(StringComparer.Ordinal))
        {
            var control = series.Range(metric, Cohort.Control, null, from, to).ToDictionary(p => p.Minute, p => p.Value);
            var canaryValues = new List<double>();
            var controlValues = new List<double>();
            foreach (var (minute, value) in series.Range(metric, Cohort.Canary, null, from, to))
            {
                if (control.TryGetValue(minute, out var controlValue))
                {
                    canaryValues.Add(value);
                    controlValues.Add(controlValue);
                }
            }

            pairs[metric] = new PairedSeries(canaryValues, controlValues);
        }

        return pairs;
    }
}
