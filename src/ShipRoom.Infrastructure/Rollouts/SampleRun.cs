using System.Collections;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// A rollout's window of samples in time order, as a view of an array that later windows of the same rollout append
/// to. A poll's window is the last one plus the minutes since: appending those in place costs the new samples only,
/// where copying the window cost all of it every poll (110 KB a poll an hour and a half in; 4.7 MB, on the large object
/// heap, at 72 hours). Slots past a view's end are written once, by the first view appended past it, and never again,
/// so a view never sees a change; a second view appended from the same end (two judgements of one rollout at once)
/// gets an array of its own.
/// </summary>
public sealed class SampleRun : IReadOnlyList<MetricSample>
{
    private readonly Shared _shared;
    private readonly int _offset;

    private SampleRun(Shared shared, int offset, int count)
    {
        _shared = shared;
        _offset = offset;
        Count = count;
    }

    public static SampleRun Empty { get; } = new(new Shared([], 0), 0, 0);

    public int Count { get; }

    public MetricSample this[int index] =>
        (uint)index < (uint)Count ? _shared.Items[_offset + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Whether this view and <paramref name="other"/> share their array (for tests).</summary>
    public bool SharesItemsWith(SampleRun other) => ReferenceEquals(_shared, other._shared);

    /// <summary>A new run of <paramref name="samples"/>, with room to append the next minutes in place.</summary>
    public static SampleRun Of(IReadOnlyList<MetricSample> samples) => samples as SampleRun ?? Copy(samples, [], 0);

    /// <summary>
    /// The samples from <paramref name="first"/> on. Where that leaves out more than it keeps (a new phase's window
    /// starting later), they are copied, so the left-out ones are not held for as long as the rollout polls.
    /// </summary>
    public SampleRun From(int first)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, Count);
        return first == 0 ? this
            : first > Count - first ? Copy(new SampleRun(_shared, _offset + first, Count - first), [], 0)
            : new SampleRun(_shared, _offset + first, Count - first);
    }

    /// <summary>This run followed by <paramref name="later"/> (samples after this run's last one, in time order).</summary>
    public SampleRun Append(IReadOnlyList<MetricSample> later)
    {
        if (later.Count == 0)
        {
            return this;
        }

        var end = _offset + Count;
        lock (_shared)
        {
            if (_shared.Length == end && end + later.Count <= _shared.Items.Length)
            {
                for (var i = 0; i < later.Count; i++)
                {
                    _shared.Items[end + i] = later[i];
                }

                _shared.Length = end + later.Count;
                return new SampleRun(_shared, _offset, Count + later.Count);
            }
        }

        return Copy(this, later, later.Count);
    }

    public IEnumerator<MetricSample> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _shared.Items[_offset + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// <paramref name="head"/> then <paramref name="tail"/> in a new array with a quarter more room (at least a thousand
    /// samples, a few polls of the shipped plans), so appending stays in place for a while and memory stays near the window's.
    /// </summary>
    private static SampleRun Copy(IReadOnlyList<MetricSample> head, IReadOnlyList<MetricSample> tail, int tailCount)
    {
        var count = head.Count + tailCount;
        var items = new MetricSample[count + Math.Max(count / 4, 1024)];
        for (var i = 0; i < head.Count; i++)
        {
            items[i] = head[i];
        }

        for (var i = 0; i < tailCount; i++)
        {
            items[head.Count + i] = tail[i];
        }

        return new SampleRun(new Shared(items, count), 0, count);
    }

    /// <summary>The array the views share, and how much of it is written (under its lock).</summary>
    private sealed class Shared(MetricSample[] items, int length)
    {
        public MetricSample[] Items { get; } = items;

        public int Length { get; set; } = length;
    }
}
