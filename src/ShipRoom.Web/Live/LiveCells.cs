namespace ShipRoom.Web.Live;

/// <summary>
/// The numbers of one panel that change on every poll (values, deltas, reasons), sent to the browser as a short list of
/// strings instead of a render. Blazor's diff of a table whose cells all changed costs about 100 bytes per cell (the path
/// into the table, the edit, the frame, the text); the list costs the text alone (docs/benchmarks.md, render traffic).
/// <para>
/// The panel gives <see cref="Update"/> its <em>shape</em> (everything its markup shows besides the live values) and the
/// live values in document order. A new shape, or no <see cref="LivePatches"/> to send through, means a render; the same
/// shape queues the values that changed and skips the render. The markup reads each value with <see cref="Next"/> for an
/// element marked <c>data-live</c> (its text) or <c>data-live="class aria-label text"</c> (those, in that order), inside an
/// element with <c>data-live-scope="@Scope"</c> and <c>@key="@Generation"</c>.
/// </para>
/// <para>
/// Once values were patched, the browser shows what Blazor's render tree does not hold: the next render bumps
/// <see cref="Generation"/>, so Blazor builds that element afresh instead of diffing against stale text.
/// </para>
/// </summary>
public sealed class LiveCells(int scope)
{
    private string? _shape;
    private IReadOnlyList<string> _values = [];
    private bool _patched;
    private int _resync;
    private int _cursor;

    /// <summary>The <c>data-live-scope</c> of the element holding the cells; unique within the page.</summary>
    public int Scope { get; } = scope;

    /// <summary>The <c>@key</c> of that element: it changes on the first render after a patch.</summary>
    public int Generation { get; private set; }

    /// <summary>True when the panel must render; false when the changed values were queued on <paramref name="patches"/>.</summary>
    public bool Update(string shape, IReadOnlyList<string> values, LivePatches? patches)
    {
        if (patches is { Working: true } && patches.Resync == _resync && _shape == shape && _values.Count == values.Count)
        {
            var changed = new string?[values.Count];
            var any = false;
            for (var i = 0; i < values.Count; i++)
            {
                if (!string.Equals(values[i], _values[i], StringComparison.Ordinal))
                {
                    changed[i] = values[i];
                    any = true;
                }
            }

            if (any)
            {
                patches.Add(Scope, changed);
                _patched = true;
            }

            _values = values;
            return false;
        }

        patches?.Drop(Scope);
        _resync = patches?.Resync ?? 0;
        if (_patched)
        {
            Generation++;
            _patched = false;
        }

        (_shape, _values) = (SharedMarkup.Of(shape), values);
        return true;
    }

    /// <summary>Called where the markup starts: the first <see cref="Next"/> of this render is the first value.</summary>
    public void Restart() => _cursor = 0;

    /// <summary>The next live value in document order.</summary>
    public string Next() => _values[_cursor++];
}
