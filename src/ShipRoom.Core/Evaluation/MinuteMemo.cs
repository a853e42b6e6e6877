using System.Runtime.CompilerServices;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// What a gate or a trigger said about each minute at the previous evaluation of one rollout, with the values it read.
/// A complete minute's answer only changes when one of those values does (late data, a revised sample), so the next
/// evaluation reads the values again, compares them bit for bit and judges only the minutes whose values differ or are
/// new. Conditions that read more than their own minute (sigma against the control's last hour) are not kept.
/// Entries the last evaluation did not ask for are dropped at its end, so the memo holds one evaluation's minutes.
/// Not thread-safe: <see cref="RolloutEvaluator"/> holds its lock while it evaluates.
/// </summary>
public sealed class MinuteMemo
{
    private readonly Dictionary<Key, Entry> _entries = new(KeyComparer.Instance);
    private int _generation;

    /// <summary>Minutes kept (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    /// <summary>Minutes judged afresh by the last evaluation: new, revised, or never kept.</summary>
    public int LastJudged { get; private set; }

    /// <summary>Minutes the last evaluation took from the memo.</summary>
    public int LastReused { get; private set; }

    internal void Begin()
    {
        _generation++;
        LastJudged = 0;
        LastReused = 0;
    }

    internal void End()
    {
        if (_entries.Count == 0)
        {
            return;
        }

        List<Key>? stale = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.Generation != _generation)
            {
                (stale ??= []).Add(key);
            }
        }

        foreach (var key in stale ?? [])
        {
            _entries.Remove(key);
        }
    }

    /// <summary>The answer kept for the minute if it was judged on exactly these values.</summary>
    internal bool TryGet<T>(object owner, object metric, DateTimeOffset minute, double[] inputs, out T result)
        where T : class
    {
        if (_entries.TryGetValue(new Key(owner, metric, minute.UtcTicks), out var entry) && SameBits(entry.Inputs, inputs))
        {
            entry.Generation = _generation;
            result = (T)entry.Result;
            LastReused++;
            return true;
        }

        result = null!;
        LastJudged++;
        return false;
    }

    internal void Set(object owner, object metric, DateTimeOffset minute, double[] inputs, object result) =>
        _entries[new Key(owner, metric, minute.UtcTicks)] = new Entry(inputs, result) { Generation = _generation };

    /// <summary>Whether a condition's answer for a minute depends on that minute's values alone.</summary>
    internal static bool ReadsOneMinute(Condition condition) => condition is not RelativeCondition { Unit: RelativeUnit.Sigma };

    /// <summary>The canary and control values a condition on the selector reads at the minute (NaN: none).</summary>
    internal static double[] Inputs(SeriesIndex series, SeriesSelector selector, MetricDefinition metric, DateTimeOffset minute)
    {
        var journeys = SeriesReader.Journeys(selector, metric);
        var inputs = new double[journeys.Count * 2];
        for (var i = 0; i < journeys.Count; i++)
        {
            inputs[2 * i] = series.ValueAt(metric.Key, Cohort.Canary, journeys[i], minute) ?? double.NaN;
            inputs[(2 * i) + 1] = series.ValueAt(metric.Key, Cohort.Control, journeys[i], minute) ?? double.NaN;
        }

        return inputs;
    }

    private static bool SameBits(double[] a, double[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Key(object Owner, object Metric, long Minute);

    private sealed class Entry(double[] inputs, object result)
    {
        public double[] Inputs { get; } = inputs;

        public object Result { get; } = result;

        public int Generation { get; set; }
    }

    /// <summary>Plan objects are compared by reference: a plan parsed again is a new plan, judged afresh.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) => ReferenceEquals(x.Owner, y.Owner) && ReferenceEquals(x.Metric, y.Metric) && x.Minute == y.Minute;

        public int GetHashCode(Key key) => HashCode.Combine(RuntimeHelpers.GetHashCode(key.Owner), RuntimeHelpers.GetHashCode(key.Metric), key.Minute);
    }
}
