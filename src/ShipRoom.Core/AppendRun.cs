using System.Collections;

namespace ShipRoom.Core;

/// <summary>
/// A list in time order, as a view of an array that the next poll's list of the same thing appends to: a rollout's
/// window of samples, a chart series of its snapshot. Each poll's list is the last one (perhaps less its oldest items)
/// plus the minutes since: appending those in place costs the new items only, where copying the list cost all of it
/// every poll (a sample window is 660 KB an hour and a half in and 28 MB at 72 hours, both on the large object heap;
/// the charts of one snapshot 145 KB). Slots past a view's end are written once, by the first view appended past it, and
/// never again, so a view never sees a change; a second view appended from the same end (two judgements of one
/// rollout at once) gets an array of its own.
/// </summary>
public sealed class AppendRun<T> : IReadOnlyList<T>
{
    private readonly Shared _shared;
    private readonly int _offset;

    private AppendRun(Shared shared, int offset, int count)
    {
        _shared = shared;
        _offset = offset;
        Count = count;
    }

    public int Count { get; }

    public T this[int index] =>
        (uint)index < (uint)Count ? _shared.Items[_offset + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Whether this view and <paramref name="other"/> share their array (for tests).</summary>
    public bool SharesItemsWith(AppendRun<T> other) => ReferenceEquals(_shared, other._shared);

    /// <summary>
    /// Whether this view begins with every item of <paramref name="earlier"/>, known without comparing them: a view of
    /// the same array from the same slot, at least as long (a written slot never changes).
    /// </summary>
    public bool StartsWith(AppendRun<T> earlier) =>
        ReferenceEquals(_shared, earlier._shared) && _offset == earlier._offset && Count >= earlier.Count;

    /// <summary>
    /// <paramref name="items"/> itself when it is a run already; otherwise a new run of them, with room to append in
    /// place: a quarter of its length, and at least <paramref name="minimumRoom"/> (a few polls' worth).
    /// </summary>
    public static AppendRun<T> Of(IReadOnlyList<T> items, int minimumRoom) => items as AppendRun<T> ?? Copy(items, [], minimumRoom);

    /// <summary>
    /// A run of the first <paramref name="count"/> items of <paramref name="items"/>, which it takes over: the slots
    /// after them are its room to append in place, and nothing else may write the array.
    /// </summary>
    public static AppendRun<T> Adopt(T[] items, int count, int minimumRoom)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, items.Length);
        return new AppendRun<T>(new Shared(items, count, minimumRoom), 0, count);
    }

    /// <summary>
    /// The items from <paramref name="first"/> on. Where that leaves out more than it keeps (a new phase's window
    /// starting later), they are copied, so the left-out ones are not held for as long as the rollout polls.
    /// </summary>
    public AppendRun<T> From(int first)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, Count);
        return first == 0 ? this
            : first > Count - first ? Copy(new AppendRun<T>(_shared, _offset + first, Count - first), [], _shared.MinimumRoom)
            : new AppendRun<T>(_shared, _offset + first, Count - first);
    }

    /// <summary>This run followed by <paramref name="later"/>.</summary>
    public AppendRun<T> Append(IReadOnlyList<T> later)
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
                return new AppendRun<T>(_shared, _offset, Count + later.Count);
            }
        }

        return Copy(this, later, _shared.MinimumRoom);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _shared.Items[_offset + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static AppendRun<T> Copy(IReadOnlyList<T> head, IReadOnlyList<T> tail, int minimumRoom)
    {
        var count = head.Count + tail.Count;
        var items = new T[count + Math.Max(count / 4, minimumRoom)];
        for (var i = 0; i < head.Count; i++)
        {
            items[i] = head[i];
        }

        for (var i = 0; i < tail.Count; i++)
        {
            items[head.Count + i] = tail[i];
        }

        return new AppendRun<T>(new Shared(items, count, minimumRoom), 0, count);
    }

    /// <summary>The array the views share, how much of it is written (under its lock), and the room a copy keeps.</summary>
    private sealed class Shared(T[] items, int length, int minimumRoom)
    {
        public T[] Items { get; } = items;

        public int Length { get; set; } = length;

        public int MinimumRoom { get; } = minimumRoom;
    }
}
