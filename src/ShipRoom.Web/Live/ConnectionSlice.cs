using System.Collections;

namespace ShipRoom.Web.Live;

/// <summary>
/// Some of a rollout's watching hub connections, as SignalR's send to connections takes them: it asks each connection
/// of the hub whether it is in the list, so the list answers by hash, not by a search of the slice (a push to 1,000
/// watchers a slice of 100 at a time would otherwise compare ids a million times).
/// </summary>
public sealed class ConnectionSlice : IReadOnlyList<string>, ICollection<string>
{
    private readonly ArraySegment<string> _ids;
    private readonly HashSet<string> _lookup;

    public ConnectionSlice(string[] ids, int start, int count)
    {
        _ids = new ArraySegment<string>(ids, start, count);
        _lookup = new HashSet<string>(_ids, StringComparer.Ordinal);
    }

    public int Count => _ids.Count;

    public bool IsReadOnly => true;

    public string this[int index] => _ids[index];

    public bool Contains(string item) => _lookup.Contains(item);

    public void CopyTo(string[] array, int arrayIndex) => _ids.CopyTo(array, arrayIndex);

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_ids).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<string>.Add(string item) => throw new NotSupportedException("a slice of watchers is read-only");

    void ICollection<string>.Clear() => throw new NotSupportedException("a slice of watchers is read-only");

    bool ICollection<string>.Remove(string item) => throw new NotSupportedException("a slice of watchers is read-only");
}
