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
/// The memo also keeps the rollout's <see cref="SeriesIndex"/> (unless told not to, <see cref="KeepsIndex"/>): when a
/// poll's samples are the previous poll's (the same run of them, or equal ones, in the same order) followed by new ones,
/// those are appended to it, and a kept minute that none of them touched is taken without reading its values again
/// (nothing it was judged on can have changed); a gate's history is then carried up to the first touched minute.
/// Anything else (an earlier window start, a sample replaced or missing, an evaluation that threw) builds the index
/// again and checks every minute's values.
/// Not thread-safe: <see cref="RolloutEvaluator"/> holds its lock while it evaluates.
/// </summary>
public sealed class MinuteMemo
{
    /// <summary>Per gate, trigger or condition part and its metric: the kept minutes by UTC ticks.</summary>
    private readonly Dictionary<Key, Dictionary<long, Entry>> _entries = new(KeyComparer.Instance);
    private Key _lastKey;
    private Dictionary<long, Entry>? _lastMinutes;

    /// <summary>Per memoised gate and its metric: the history the last evaluation gave (see <see cref="TrailOf"/>).</summary>
    private readonly Dictionary<Key, GateTrail> _trails = new(KeyComparer.Instance);
    private int _generation;
    private SeriesIndex? _index;
    /// <summary>The samples the kept index holds: the caller's run itself when it gave one, else a copy.</summary>
    private AppendRun<MetricSample>? _indexedRun;
    private MetricSample[] _indexed = [];
    private int _indexedCount;

    /// <summary>Minutes the samples appended by this evaluation touched; null when the index was built afresh.</summary>
    private HashSet<long>? _touched;

    /// <summary>Whether the last evaluation extended the kept index rather than building it (for tests and diagnostics).</summary>
    public bool LastExtendedIndex => _touched is not null;

    /// <summary>
    /// Whether the index is kept between evaluations (it holds the window's samples and 16 bytes per point). The
    /// assessor keeps it only while the storage keeps the rollout's window too (the same run of samples), so it adds
    /// no sample of its own; a window the storage lets go to make room is let go here at the rollout's next judgement.
    /// </summary>
    public bool KeepsIndex { get; set; } = true;

    /// <summary>Evaluations that extended the kept index rather than building it (for tests and diagnostics).</summary>
    public int IndexExtensions { get; private set; }

    /// <summary>Minutes the last evaluation took without reading their values again (no appended sample touched them).</summary>
    public int LastTakenUntouched { get; private set; }

    /// <summary>Minutes kept (for tests and diagnostics).</summary>
    public int Count => _entries.Values.Sum(minutes => minutes.Count);

    /// <summary>Minutes judged afresh by the last evaluation: new, revised, or never kept.</summary>
    public int LastJudged { get; private set; }

    /// <summary>Minutes the last evaluation took from the memo.</summary>
    public int LastReused { get; private set; }

    internal void Begin()
    {
        _generation++;
        LastJudged = 0;
        LastReused = 0;
        LastTakenUntouched = 0;
    }

    /// <summary>
    /// Which evaluation the memo last held (one more each evaluation). Read under the memo's lock right after an
    /// evaluation, it names that evaluation's index for <see cref="ReadIndex{T}"/>.
    /// </summary>
    public int Generation => _generation;

    /// <summary>
    /// Reads the index kept by evaluation <paramref name="generation"/> under the lock the evaluator holds, so a snapshot's
    /// charts read the minutes the poll just judged without indexing the window a second time. Null when none is kept or
    /// another evaluation has run since (it may have extended the index, or built it again from other samples): the
    /// caller then indexes its own samples.
    /// </summary>
    public T ReadIndex<T>(int generation, Func<SeriesIndex?, T> read)
    {
        lock (this)
        {
            return read(generation == _generation ? _index : null);
        }
    }

    /// <summary>Forgets the index and the gates' histories: the next evaluation builds the index and checks every minute's values.</summary>
    internal void Reset()
    {
        _index = null;
        _indexedRun = null;
        _indexed = [];
        _indexedCount = 0;
        _touched = null;
        _trails.Clear();
        _lastMinutes = null;
    }

    internal void End()
    {
        foreach (var key in _trails.Where(t => t.Value.Generation != _generation).Select(t => t.Key).ToList())
        {
            _trails.Remove(key);
        }

        if (_entries.Count == 0)
        {
            return;
        }

        List<long>? stale = null;
        List<Key>? empty = null;
        foreach (var (key, minutes) in _entries)
        {
            stale?.Clear();
            if (_trails.TryGetValue(key, out var trail) && trail.Generation == _generation && trail.TookKept)
            {
                // A gate whose kept history was taken (the index was extended): those minutes were not asked one by
                // one, and every kept minute still holds but those a sample appended this time touched and that were
                // not judged again. After a rebuild nothing is taken, and only what was asked is kept.
                foreach (var touched in _touched ?? [])
                {
                    if (minutes.TryGetValue(touched, out var entry) && entry.Generation != _generation)
                    {
                        (stale ??= []).Add(touched);
                    }
                }
            }
            else
            {
                foreach (var (minute, entry) in minutes)
                {
                    if (entry.Generation != _generation)
                    {
                        (stale ??= []).Add(minute);
                    }
                }
            }

            foreach (var minute in stale ?? [])
            {
                minutes.Remove(minute);
            }

            if (minutes.Count == 0)
            {
                (empty ??= []).Add(key);
            }
        }

        foreach (var key in empty ?? [])
        {
            _entries.Remove(key);
        }

        _lastMinutes = null;
    }

    /// <summary>The index of <paramref name="samples"/>: the kept one extended when they continue what it holds, else a new one.</summary>
    internal SeriesIndex IndexOf(IReadOnlyList<MetricSample> samples)
    {
        if (!KeepsIndex)
        {
            Reset();
            return new SeriesIndex(samples);
        }

        if (_index is not null && samples.Count >= _indexedCount && Continues(samples))
        {
            var touched = new HashSet<long>();
            if (_index.TryAppend(samples, _indexedCount, touched))
            {
                Remember(samples);
                _touched = touched;
                IndexExtensions++;
                return _index;
            }
        }

        _index = new SeriesIndex(samples);
        _indexedRun = null;
        _indexed = [];
        _indexedCount = 0;
        Remember(samples);
        _touched = null;
        return _index;
    }

    /// <summary>
    /// The answer kept for the minute when no sample this evaluation appended touched it: its values are the ones it
    /// was judged on, so they are not read again.
    /// </summary>
    internal bool TryGetUntouched<T>(object owner, object metric, SeriesIndex series, DateTimeOffset minute, out T result)
        where T : class
    {
        if (_touched is not null && ReferenceEquals(series, _index) && !_touched.Contains(minute.UtcTicks) && MinutesOf(owner, metric, create: false) is { } minutes &&
            minutes.TryGetValue(minute.UtcTicks, out var entry))
        {
            entry.Generation = _generation;
            result = (T)entry.Result;
            LastReused++;
            LastTakenUntouched++;
            return true;
        }

        result = null!;
        return false;
    }

    /// <summary>
    /// How many leading minutes of the gate's last history can be taken as they are: those from the same first minute,
    /// up to the first minute a sample appended this evaluation touched. None when the index was built afresh.
    /// </summary>
    internal (int Reusable, GateTrail? Trail) TrailOf(object gate, object metric, SeriesIndex series, DateTimeOffset firstMinute, int minutes)
    {
        // Only the previous evaluation's trail: the minutes touched since are known for that one evaluation alone.
        if (_touched is null || !ReferenceEquals(series, _index) || !_trails.TryGetValue(new Key(gate, metric), out var trail) || trail.FirstMinute != firstMinute.UtcTicks ||
            trail.Generation != _generation - 1)
        {
            return (0, null);
        }

        var reusable = Math.Min(trail.History.Count, minutes);
        foreach (var touched in _touched)
        {
            var at = (touched - trail.FirstMinute) / TimeSpan.TicksPerMinute;
            if (touched >= trail.FirstMinute && at < reusable)
            {
                reusable = (int)at;
            }
        }

        LastReused += reusable;
        LastTakenUntouched += reusable;
        return (reusable, trail);
    }

    /// <summary>The gate's history from this evaluation, and where its latest run of one status began.</summary>
    internal void KeepTrail(object gate, object metric, DateTimeOffset firstMinute, List<GateMinute> history, DateTimeOffset? since, bool tookKept) =>
        _trails[new Key(gate, metric)] = new GateTrail(firstMinute.UtcTicks, history, since, _generation, tookKept);

    /// <summary>
    /// The first samples are the ones the kept index holds, bit for bit (the storage's kept window, or a caller that read
    /// them again).
    /// </summary>
    private bool Continues(IReadOnlyList<MetricSample> samples)
    {
        if (_indexedRun is not null && samples is AppendRun<MetricSample> run && run.StartsWith(_indexedRun))
        {
            return true;
        }

        for (var i = 0; i < _indexedCount; i++)
        {
            if (!SameSample(samples[i], _indexedRun is null ? _indexed[i] : _indexedRun[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Equal as the index sees them: the value bit for bit, as <see cref="SameBits"/> compares them.</summary>
    private static bool SameSample(MetricSample a, MetricSample b) =>
        a.Cohort == b.Cohort && a.Time.UtcTicks == b.Time.UtcTicks && string.Equals(a.MetricKey, b.MetricKey, StringComparison.Ordinal) &&
        string.Equals(a.Journey, b.Journey, StringComparison.Ordinal) && BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value);

    /// <summary>
    /// A run as it is (its written items never change, and the storage's kept window is one: no second copy of a
    /// window; a run adopting an array trusts that nothing else writes it, see <see cref="AppendRun{T}.Adopt"/>); any
    /// other list copied, not kept: a caller that changes its list in place after this evaluation must not make the
    /// next one believe nothing changed.
    /// </summary>
    private void Remember(IReadOnlyList<MetricSample> samples)
    {
        if (samples is AppendRun<MetricSample> run)
        {
            _indexedRun = run;
            _indexed = [];
            _indexedCount = run.Count;
            return;
        }

        if (_indexedRun is not null)
        {
            _indexedRun = null;
            _indexedCount = 0;
        }

        if (_indexed.Length < samples.Count)
        {
            Array.Resize(ref _indexed, Math.Max(samples.Count, _indexed.Length + (_indexed.Length / 2)));
        }

        for (var i = _indexedCount; i < samples.Count; i++)
        {
            _indexed[i] = samples[i];
        }

        _indexedCount = samples.Count;
    }

    /// <summary>The answer kept for the minute if it was judged on exactly these values.</summary>
    internal bool TryGet<T>(object owner, object metric, DateTimeOffset minute, double[] inputs, out T result)
        where T : class
    {
        if (MinutesOf(owner, metric, create: false) is { } minutes && minutes.TryGetValue(minute.UtcTicks, out var entry) && SameBits(entry.Inputs, inputs))
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
        MinutesOf(owner, metric, create: true)![minute.UtcTicks] = new Entry(inputs, result) { Generation = _generation };

    /// <summary>The kept minutes of one gate or trigger; the last one asked for is remembered, as minutes come gate by gate.</summary>
    private Dictionary<long, Entry>? MinutesOf(object owner, object metric, bool create)
    {
        var key = new Key(owner, metric);
        if (_lastMinutes is not null && KeyComparer.Instance.Equals(_lastKey, key))
        {
            return _lastMinutes;
        }

        if (!_entries.TryGetValue(key, out var minutes))
        {
            if (!create)
            {
                return null;
            }

            minutes = [];
            _entries[key] = minutes;
        }

        (_lastKey, _lastMinutes) = (key, minutes);
        return minutes;
    }

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

    private readonly record struct Key(object Owner, object Metric);

    /// <summary>A gate's history as an evaluation gave it: minutes from <see cref="FirstMinute"/> (UTC ticks) on.</summary>
    internal sealed record GateTrail(long FirstMinute, List<GateMinute> History, DateTimeOffset? Since, int Generation, bool TookKept);

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

        public bool Equals(Key x, Key y) => ReferenceEquals(x.Owner, y.Owner) && ReferenceEquals(x.Metric, y.Metric);

        public int GetHashCode(Key key) => HashCode.Combine(RuntimeHelpers.GetHashCode(key.Owner), RuntimeHelpers.GetHashCode(key.Metric));
    }
}
