using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace ShipRoom.Web.Live;

/// <summary>
/// The live values the panels of one dashboard queued during a render (<see cref="LiveCells"/>) and its charts' new
/// points (<see cref="ChartChange"/>), sent in one call to wwwroot/js/live-cells.js after that render reached the
/// browser, so they land on the markup it built. The dashboard page owns one and cascades it; a panel rendered without
/// it renders every change, a chart sends its own.
/// </summary>
/// <remarks>
/// One call per update, not one per chart besides: each interop call is a message out, an acknowledgement back and a
/// continuation on the circuit, and a dashboard's 8 charts made 9 calls per update. The server's CPU did not move
/// measurably with it (docs/benchmarks.md, seventeenth round); the messages per open dashboard did.
/// </remarks>
public sealed class LivePatches(IJSRuntime js, ILogger? logger = null) : IAsyncDisposable
{
    private readonly List<(int Scope, string?[] Values)> _pending = [];
    private readonly List<(ChartChange Change, Action<string?> Lost)> _charts = [];
    private IJSObjectReference? _module;
    private bool _failed;
    private bool _disposed;
    private int _scopes;

    /// <summary>
    /// True once the module is loaded and no call failed. Until then, and after a failure, every panel renders its
    /// changes (<see cref="LiveCells.Update"/>).
    /// </summary>
    public bool Working => _module is not null && !_failed;

    /// <summary>
    /// Changes when values may not have reached the browser (a call cut by a lost connection or timed out): every panel
    /// then renders once (<see cref="LiveCells.Update"/>), so what it shows is rebuilt from the current snapshot.
    /// </summary>
    public int Resync { get; private set; }

    /// <summary>A scope for a panel's cells, unique within this dashboard.</summary>
    public LiveCells NewCells() => new(++_scopes);

    /// <summary>Values by index, null where unchanged.</summary>
    public void Add(int scope, string?[] values) => _pending.Add((scope, values));

    /// <summary>
    /// Forgets what a panel queued and did not send: it renders instead, and values arriving after that render's batch
    /// would overwrite what it built.
    /// </summary>
    public void Drop(int scope) => _pending.RemoveAll(patch => patch.Scope == scope);

    /// <summary>
    /// Queues a chart's new points for the next flush. Only while <see cref="Working"/>, and only once the chart's own
    /// calls (its first draw) are done: the flush goes after them. <paramref name="lost"/> is called on the circuit
    /// when the change did not reach the chart, with the browser's error when it refused it and null when the call may
    /// not have arrived; the chart then redraws whole at its next change.
    /// </summary>
    public void AddChart(ChartChange change, Action<string?> lost) => _charts.Add((change, lost));

    /// <summary>
    /// Loads the module once the page is interactive. A flush then sends its call at once, so the call goes out before
    /// any render batch made later (the circuit sends in order), never behind one while an import is awaited.
    /// </summary>
    public async Task LoadAsync()
    {
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/live-cells.js");
            if (_disposed)
            {
                await DisposeAsync();
            }
        }
        catch (JSException exception)
        {
            logger?.LogWarning("Live cells: the browser did not load live-cells.js ({Error}); this dashboard renders every change", exception.Message);
            _failed = true;
        }
        catch (Exception exception) when (exception is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Sends what was queued; false when the browser did not take it (or may not have), and the page must render again
    /// so the panels rebuild their cells: after a refused call from then on (<see cref="Working"/>), after a lost one
    /// once (<see cref="Resync"/>); render batches, unlike JS calls, are sent again when a connection comes back.
    /// </summary>
    public async Task<bool> FlushAsync()
    {
        if (_pending.Count == 0 && _charts.Count == 0)
        {
            return true;
        }

        var patches = _pending.ToArray();
        var charts = _charts.ToArray();
        _pending.Clear();
        _charts.Clear();
        if (!Working)
        {
            Lose(charts);
            return false;
        }

        try
        {
            // Typed arrays, not objects: nothing polymorphic for this dashboard's serializer to learn; and only the
            // changed values with their slot numbers, not a null for every value that stayed.
            var changed = patches.Select(p => Changed(p.Values)).ToArray();
            var sent = charts.Select(c => c.Change).ToArray();
            // The charts' parts as arrays by part, like the values: the browser answers with the charts that refused
            // their points, and the error of each.
            var refused = await _module!.InvokeAsync<string[][]?>("apply",
                patches.Select(p => p.Scope).ToArray(),
                patches.Select(p => p.Values.Length).ToArray(),
                changed.Select(c => c.Slots).ToArray(),
                changed.Select(c => c.Values).ToArray(),
                sent.Select(c => c.Id).ToArray(),
                sent.Select(c => c.X).ToArray(),
                sent.Select(c => c.Y).ToArray(),
                sent.Select(c => c.Indices).ToArray(),
                sent.Select(c => c.Max).ToArray(),
                sent.Select(c => c.Marks).ToArray(),
                sent.Select(c => c.LimitValue).ToArray(),
                sent.Select(c => c.LimitName).ToArray());
            if (refused is [var ids, var errors, ..])
            {
                foreach (var (id, error) in ids.Zip(errors))
                {
                    foreach (var chart in charts.Where(c => c.Change.Id == id))
                    {
                        chart.Lost(error);
                    }
                }
            }

            return true;
        }
        catch (JSException exception)
        {
            logger?.LogWarning("Live cells: the browser refused the values ({Error}); this dashboard renders every change from now on", exception.Message);
            _failed = true;
            Lose(charts);
            return false;
        }
        catch (Exception exception) when (exception is JSDisconnectedException or TaskCanceledException)
        {
            Resync++;
            Lose(charts);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    // The call may not have arrived (or the cells' part refused it): the charts redraw whole.
    private static void Lose(IEnumerable<(ChartChange Change, Action<string?> Lost)> charts)
    {
        foreach (var chart in charts)
        {
            chart.Lost(null);
        }
    }

    private static (int[] Slots, string[] Values) Changed(string?[] values)
    {
        var slots = Enumerable.Range(0, values.Length).Where(i => values[i] is not null).ToArray();
        return (slots, slots.Select(i => values[i]!).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }
}
