namespace ShipRoom.Web.Live;

/// <summary>
/// One string instance per markup content, for every open dashboard at once. Each dashboard keeps its tables' rows as
/// markup (<see cref="RowsHtml"/>), twice (the render it shows and the one before), and dashboards of the same rollout
/// write the same rows: twenty tabs held twenty to forty copies of the trigger board's 19 KB. Handing out the instance
/// that is already held keeps one copy of each content however many dashboards show it.
/// <para>
/// The table holds its strings weakly: a content no render tree holds any more is collected, and its entry is swept
/// with the others now and then, so the table does not grow with the rollout's age.
/// </para>
/// </summary>
public static class SharedMarkup
{
    /// <summary>Shorter markup costs more in the table than a copy of it costs a dashboard.</summary>
    public const int MinimumLength = 256;

    private const int SweepEvery = 512;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, List<WeakReference<string>>> ByHash = [];
    private static int _addsSinceSweep;

    /// <summary>The instance of <paramref name="markup"/>'s content that is already held, or <paramref name="markup"/> itself, now held.</summary>
    public static string Of(string markup)
    {
        if (markup.Length < MinimumLength)
        {
            return markup;
        }

        var hash = string.GetHashCode(markup, StringComparison.Ordinal);
        lock (Gate)
        {
            if (ByHash.TryGetValue(hash, out var same))
            {
                foreach (var reference in same)
                {
                    if (reference.TryGetTarget(out var held) && string.Equals(held, markup, StringComparison.Ordinal))
                    {
                        return held;
                    }
                }
            }
            else
            {
                same = [];
                ByHash[hash] = same;
            }

            same.Add(new WeakReference<string>(markup));
            if (++_addsSinceSweep >= SweepEvery)
            {
                Sweep();
            }

            return markup;
        }
    }

    /// <summary>How many contents the table holds entries for, collected or not (for tests).</summary>
    public static int Entries
    {
        get
        {
            lock (Gate)
            {
                return ByHash.Values.Sum(list => list.Count);
            }
        }
    }

    private static void Sweep()
    {
        _addsSinceSweep = 0;
        foreach (var (hash, list) in ByHash.ToList())
        {
            list.RemoveAll(reference => !reference.TryGetTarget(out _));
            if (list.Count == 0)
            {
                ByHash.Remove(hash);
            }
        }
    }
}
