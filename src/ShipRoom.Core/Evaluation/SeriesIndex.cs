using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Samples by (metric, cohort, journey) and minute, for lookups while judging minute by minute. Each series is a pair
/// of sorted arrays (minute, value): a lookup is a binary search, a range two of them. Two samples of the same minute
/// keep the later one, as they come. A rollout's <see cref="MinuteMemo"/> keeps its index between polls and appends
/// the samples a poll brings (<see cref="TryAppend"/>) instead of building it again.
/// </summary>
public sealed class SeriesIndex
{
    private readonly Dictionary<(string Metric, Cohort Cohort, string Journey), Points> _series = new();

    public SeriesIndex(IEnumerable<MetricSample> samples)
    {
        var building = new Dictionary<(string Metric, Cohort Cohort, string Journey), PointsBuilder>();
        // Samples come minute by minute with the series in the same order each minute (storage orders them so), or
        // series by series: guessing that a sample belongs to the series after the previous one's saves hashing it.
        var order = new List<PointsBuilder>();
        var next = 0;
        foreach (var sample in samples)
        {
            var journey = sample.Journey ?? "";
            PointsBuilder points;
            if (next < order.Count && order[next].Is(sample.MetricKey, sample.Cohort, journey))
            {
                points = order[next];
            }
            else if (order.Count > 0 && order[next == 0 ? order.Count - 1 : next - 1].Is(sample.MetricKey, sample.Cohort, journey))
            {
                points = order[next == 0 ? order.Count - 1 : next - 1];
            }
            else if (order.Count > 0 && order[0].Is(sample.MetricKey, sample.Cohort, journey))
            {
                points = order[0];
            }
            else
            {
                var key = (sample.MetricKey, sample.Cohort, journey);
                if (!building.TryGetValue(key, out points!))
                {
                    points = new PointsBuilder(sample.MetricKey, sample.Cohort, journey, order.Count);
                    building[key] = points;
                    order.Add(points);
                }
            }

            next = points.Position + 1;
            points.Add(Minutes.Floor(sample.Time).UtcTicks, sample.Value);
        }

        foreach (var (key, points) in building)
        {
            _series[key] = points.Build();
        }
    }

    /// <summary>The finite value of the minute, or null when there is none (missing, NaN or infinite are all NO DATA).</summary>
    public double? ValueAt(string metric, Cohort cohort, string? journey, DateTimeOffset minute)
    {
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return null;
        }

        var at = Array.BinarySearch(points.Ticks, 0, points.Count, minute.UtcTicks);
        return at >= 0 && double.IsFinite(points.Values[at]) ? points.Values[at] : null;
    }

    /// <summary>The finite values of [from, to) in time order.</summary>
    public IReadOnlyList<(DateTimeOffset Minute, double Value)> Range(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return [];
        }

        var result = new List<(DateTimeOffset, double)>();
        for (var i = LowerBound(points.Ticks, points.Count, from.UtcTicks); i < points.Count && points.Ticks[i] < to.UtcTicks; i++)
        {
            if (double.IsFinite(points.Values[i]))
            {
                result.Add((new DateTimeOffset(points.Ticks[i], TimeSpan.Zero), points.Values[i]));
            }
        }

        return result;
    }

    /// <summary>
    /// Where the last <paramref name="max"/> finite values of [from, to) are: the series' minutes (UTC ticks) and values
    /// from the first of them to the end of the range, straight from the index, non-finite values in between included
    /// (skip them). Returns how many are finite. A chart's points are read from here on every snapshot. The spans are
    /// the index's own arrays: read them before the index is next appended to (<see cref="TryAppend"/>), as the memo's
    /// lock ensures for a kept index.
    /// </summary>
    public int LastFinite(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to, int max, out ReadOnlySpan<long> ticks, out ReadOnlySpan<double> values)
    {
        ticks = default;
        values = default;
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return 0;
        }

        var first = LowerBound(points.Ticks, points.Count, from.UtcTicks);
        var end = LowerBound(points.Ticks, points.Count, to.UtcTicks);
        var finite = 0;
        var start = end;
        for (var i = end - 1; i >= first && finite < max; i--)
        {
            if (double.IsFinite(points.Values[i]))
            {
                finite++;
                start = i;
            }
        }

        ticks = points.Ticks.AsSpan(start, end - start);
        values = points.Values.AsSpan(start, end - start);
        return finite;
    }

    /// <summary>The finite values of [from, to) summed in time order as decimals (payment cap usage, as its triggers count it).</summary>
    public decimal SumFinite(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to) =>
        AddFinite(metric, cohort, journey, from, to, 0m);

    /// <summary>The largest finite value of [from, to), or null when there is none (a payment cap's largest transaction).</summary>
    public double? MaxFinite(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return null;
        }

        double? max = null;
        for (var i = LowerBound(points.Ticks, points.Count, from.UtcTicks); i < points.Count && points.Ticks[i] < to.UtcTicks; i++)
        {
            if (double.IsFinite(points.Values[i]) && !(points.Values[i] <= max))
            {
                max = points.Values[i];
            }
        }

        return max;
    }

    /// <summary>
    /// <paramref name="sum"/> plus the finite values of [from, to) in time order, as decimals: the additions a sum over
    /// <see cref="Range"/> makes, without building the range.
    /// </summary>
    internal decimal AddFinite(string metric, Cohort cohort, string? journey, DateTimeOffset from, DateTimeOffset to, decimal sum)
    {
        if (!_series.TryGetValue((metric, cohort, journey ?? ""), out var points))
        {
            return sum;
        }

        for (var i = LowerBound(points.Ticks, points.Count, from.UtcTicks); i < points.Count && points.Ticks[i] < to.UtcTicks; i++)
        {
            if (double.IsFinite(points.Values[i]))
            {
                sum += (decimal)points.Values[i];
            }
        }

        return sum;
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

    /// <summary>
    /// Adds samples that come after every sample already indexed of their series (a poll's new minutes, in the
    /// storage's time order), as building the index from all of them would, and notes each minute they touch in
    /// <paramref name="touchedMinutes"/> (UTC ticks). False when one comes before its series' last minute: the index is
    /// then partly extended and must be built again from every sample.
    /// </summary>
    internal bool TryAppend(IReadOnlyList<MetricSample> samples, int from, HashSet<long> touchedMinutes)
    {
        for (var i = from; i < samples.Count; i++)
        {
            var sample = samples[i];
            var key = (sample.MetricKey, sample.Cohort, sample.Journey ?? "");
            if (!_series.TryGetValue(key, out var points))
            {
                points = new Points(new long[4], new double[4], 0);
                _series[key] = points;
            }

            var ticks = Minutes.Floor(sample.Time).UtcTicks;
            touchedMinutes.Add(ticks);
            if (points.Count > 0 && ticks <= points.Ticks[points.Count - 1])
            {
                if (ticks < points.Ticks[points.Count - 1])
                {
                    return false;
                }

                points.Values[points.Count - 1] = sample.Value;
                continue;
            }

            points.Add(ticks, sample.Value);
        }

        return true;
    }

    /// <summary>The first index below <paramref name="count"/> whose tick is ≥ <paramref name="ticks"/>.</summary>
    private static int LowerBound(long[] sorted, int count, long ticks)
    {
        int low = 0, high = count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (sorted[middle] < ticks)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>A series' first <see cref="Count"/> minutes and values, with room to append more.</summary>
    private sealed class Points(long[] ticks, double[] values, int count)
    {
        public long[] Ticks { get; private set; } = ticks;

        public double[] Values { get; private set; } = values;

        public int Count { get; private set; } = count;

        public void Add(long ticks, double value)
        {
            if (Count == Ticks.Length)
            {
                var capacity = Math.Max(4, Count * 2);
                var grownTicks = new long[capacity];
                var grownValues = new double[capacity];
                Array.Copy(Ticks, grownTicks, Count);
                Array.Copy(Values, grownValues, Count);
                (Ticks, Values) = (grownTicks, grownValues);
            }

            Ticks[Count] = ticks;
            Values[Count] = value;
            Count++;
        }
    }

    /// <summary>Collects a series' points; samples usually come in time order, so sorting is only needed when they do not.</summary>
    private sealed class PointsBuilder(string metric, Cohort cohort, string journey, int position)
    {
        private readonly List<long> _ticks = [];
        private readonly List<double> _values = [];
        private bool _ordered = true;

        /// <summary>Where the series first came among the samples.</summary>
        public int Position { get; } = position;

        public bool Is(string metricKey, Cohort sampleCohort, string sampleJourney) =>
            sampleCohort == cohort && string.Equals(metricKey, metric, StringComparison.Ordinal) && string.Equals(sampleJourney, journey, StringComparison.Ordinal);

        public void Add(long ticks, double value)
        {
            if (_ticks.Count > 0 && ticks <= _ticks[^1])
            {
                if (ticks == _ticks[^1])
                {
                    _values[^1] = value;
                    return;
                }

                _ordered = false;
            }

            _ticks.Add(ticks);
            _values.Add(value);
        }

        public Points Build()
        {
            if (_ordered)
            {
                return new Points([.. _ticks], [.. _values], _ticks.Count);
            }

            // Out of order: the later sample of a minute wins, as it would have by overwriting.
            var latest = new Dictionary<long, double>(_ticks.Count);
            for (var i = 0; i < _ticks.Count; i++)
            {
                latest[_ticks[i]] = _values[i];
            }

            var ticks = latest.Keys.ToArray();
            Array.Sort(ticks);
            return new Points(ticks, ticks.Select(t => latest[t]).ToArray(), ticks.Length);
        }
    }
}
