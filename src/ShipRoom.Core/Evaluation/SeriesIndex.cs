using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Evaluation;

/// <summary>Samples by (metric, cohort, journey) and minute, for lookups while judging minute by minute.</summary>
public sealed class SeriesIndex
{
    private readonly Dictionary<(string Metric, Cohort Cohort, string Journey), SortedList<long, double>> _series = new();

    public SeriesIndex(IEnumerable<MetricSample> samples)
    {
        foreach (var sample in samples)
        {
            var key = (sample.MetricKey, sample.Cohort, sample.Journey ?? "");
            if (!_series.TryGetValue(key, out var points))
            {
                points = new SortedList<long, double>();
                _series[key] = points;
            }

            points[Minutes.Floor(sample.Time).UtcTicks] = sample.Value;
        }
    }

    /// <summary>The finite value of the minute, or null when there is none (missing, NaN or infinite are all NO DATA).</summary>
    public double? ValueAt(string metric, Cohort cohort, string? journey, DateTimeOffset minute) =>
        _series.TryGetValue((metric, cohort, journey ?? ""), out var points) && points.TryGetValue(minute.UtcTicks, out var value) && double.IsFinite(value)
            ? value
            : null;

    /// <summary>The finite values of [from, to) in time order.</summary>
    public IReadOnlyList<(DateTimeOffset Minute, double Value)> Range(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return [];
        }

        var result = new List<(DateTimeOffset, double)>();
        foreach (var (ticks, value) in points)
        {
            if (ticks >= from.UtcTicks && ticks < to.UtcTicks && double.IsFinite(value))
            {
                result.Add((new DateTimeOffset(ticks, TimeSpan.Zero), value));
            }
        }

        return result;
    }

    /// <summary>The control's mean and standard deviation over [from, to), for "N sigma" conditions.</summary>
    public ControlDistribution? ControlDistribution(string metric, string? journey, DateTimeOffset from, DateTimeOffset to)
    {
        var values = Range(metric, Cohort.Control, journey, from, to).Select(p => p.Value).ToList();
        if (values.Count < 2)
        {
            return null;
        }

        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        ExactNumber.TryToDecimal(mean, out var exactMean);
        ExactNumber.TryToDecimal(Math.Sqrt(variance), out var exactDeviation);
        return new ControlDistribution(exactMean, exactDeviation, values.Count);
    }
}
