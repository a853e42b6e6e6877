using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.PostSuccess;

/// <summary>
/// One metric, canary against control over the same minutes: the mean of each cohort's overall series over the
/// minutes both have a finite value, the difference in the metric's unit and relative to control, and whether that is
/// better or worse for the metric. <see cref="Minutes"/> is how many paired minutes it rests on (0: not measured).
/// </summary>
public sealed record KpiDelta(string MetricKey, string Name, string Unit, MetricPanel Panel, BetterDirection Better, int Minutes, double? Canary, double? Control)
{
    public double? Difference => Canary is { } c && Control is { } k ? c - k : null;

    /// <summary>The difference as a share of control in percent; null when control is zero or nothing was measured.</summary>
    public double? RelativePercent => Difference is { } d && Control is { } k && k != 0 ? d / Math.Abs(k) * 100 : null;

    /// <summary>"better", "worse" or "same" for the metric's direction; "not measured" without paired minutes.</summary>
    public string Verdict => Difference switch
    {
        null => "not measured",
        var d when Math.Abs(d.Value) < 1e-12 => "same",
        var d => (d > 0) == (Better == BetterDirection.Higher) ? "better" : "worse",
    };

    /// <summary>"+0.4pp (+0.5%) better" or "not measured".</summary>
    public string Describe() => Difference is { } d
        ? $"{Signed(d, Unit)} ({NumberText.Delta(RelativePercent)}) {Verdict}"
        : "not measured (no minute with both cohorts)";

    /// <summary>As <see cref="NumberText.SignedDifference"/>, but a small difference keeps three significant digits ("+$0.0000213", not "+$0").</summary>
    private static string Signed(double value, string unit)
    {
        var magnitude = Math.Abs(value);
        if (magnitude >= 1 || magnitude == 0)
        {
            return NumberText.SignedDifference(value, unit);
        }

        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(magnitude)), 2, 12);
        var text = Math.Round(magnitude, decimals).ToString("0." + new string('#', decimals), System.Globalization.CultureInfo.InvariantCulture);
        var sign = value > 0 ? "+" : "−";
        return unit switch
        {
            "%" => $"{sign}{text}pp",
            "" or "count" => sign + text,
            "x" => $"{sign}{text}×",
            "usd" => $"{sign}${text}",
            _ => $"{sign}{text} {unit}",
        };
    }
}

/// <summary>KPI deltas vs control computed from stored samples, with no I/O: the caller reads the samples.</summary>
public static class KpiDeltas
{
    /// <summary>
    /// Each of <paramref name="metrics"/> over [<paramref name="from"/>, <paramref name="to"/>): the overall series
    /// only (journeys are the gates' business), NaN and infinity left out as NO DATA.
    /// </summary>
    public static IReadOnlyList<KpiDelta> Compute(IEnumerable<MetricDefinition> metrics, IReadOnlyList<MetricSample> samples, DateTimeOffset from, DateTimeOffset to)
    {
        var byMetric = samples
            .Where(s => s.Journey is null && s.Time >= from && s.Time < to && double.IsFinite(s.Value))
            .GroupBy(s => s.MetricKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var result = new List<KpiDelta>();
        foreach (var metric in metrics)
        {
            var rows = byMetric.GetValueOrDefault(metric.Key) ?? [];
            var canary = rows.Where(s => s.Cohort == Cohort.Canary).GroupBy(s => s.Time).ToDictionary(g => g.Key, g => g.Last().Value);
            var control = rows.Where(s => s.Cohort == Cohort.Control).GroupBy(s => s.Time).ToDictionary(g => g.Key, g => g.Last().Value);
            var paired = canary.Keys.Where(control.ContainsKey).ToList();
            result.Add(new KpiDelta(metric.Key, metric.Name, metric.Unit, metric.Panel, metric.Better, paired.Count,
                paired.Count == 0 ? null : paired.Average(t => canary[t]),
                paired.Count == 0 ? null : paired.Average(t => control[t])));
        }

        return result;
    }
}
