namespace ShipRoom.Web.Live;

/// <summary>
/// What a dashboard panel rendered last: the parts of the snapshot it shows and its own state. A live update re-renders
/// the whole page, and without this every panel (and every MudBlazor component inside it) renders again and sends its
/// diff, changed or not. A panel's <c>ShouldRender</c> asks <see cref="Changed"/> with everything its markup reads.
/// Parts compare with <see cref="object.Equals(object, object)"/>: values and flat records by value, lists by reference, and
/// a list the store has judged by its revision (<see cref="PartRevisions.Of"/>: each poll builds new lists, equal or not).
/// A part that compares unequal only costs a render; one that compares equal has equal content, so no panel goes stale.
/// </summary>
public sealed class ShownParts
{
    private object?[]? _shown;

    /// <summary>True (and remembered as shown) when any part differs from the last render's; false when all are the same.</summary>
    public bool Changed(params object?[] parts)
    {
        if (_shown is not null && Same(_shown, parts))
        {
            return false;
        }

        _shown = parts;
        return true;
    }

    private static bool Same(object?[] a, object?[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
