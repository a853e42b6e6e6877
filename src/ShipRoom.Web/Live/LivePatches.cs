using Microsoft.JSInterop;

namespace ShipRoom.Web.Live;

/// <summary>
/// The live values the panels of one dashboard queued during a render (<see cref="LiveCells"/>), sent in one call to
/// wwwroot/js/live-cells.js after that render reached the browser, so they land on the markup it built.
/// The dashboard page owns one and cascades it; a panel rendered without it renders every change.
/// </summary>
public sealed class LivePatches(IJSRuntime js) : IAsyncDisposable
{
    private readonly List<object[]> _pending = [];
    private IJSObjectReference? _module;
    private int _scopes;

    /// <summary>A scope for a panel's cells, unique within this dashboard.</summary>
    public LiveCells NewCells() => new(++_scopes);

    /// <summary>Values by index, null where unchanged.</summary>
    public void Add(int scope, string?[] values) => _pending.Add([scope, values]);

    /// <summary>False once a call failed: from then on every panel renders its changes (<see cref="LiveCells.Update"/>).</summary>
    public bool Working { get; private set; } = true;

    /// <summary>
    /// Sends what was queued; false when the browser did not take it, and the page must render again so the panels
    /// rebuild their cells. A browser that went away loses nothing: its next circuit renders afresh.
    /// </summary>
    public async Task<bool> FlushAsync()
    {
        if (_pending.Count == 0 || !Working)
        {
            return true;
        }

        var patches = _pending.ToArray();
        _pending.Clear();
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/live-cells.js");
            if (_module is null)
            {
                Working = false;
                return false;
            }

            await _module.InvokeVoidAsync("apply", [patches]);
            return true;
        }
        catch (JSException)
        {
            Working = false;
            return false;
        }
        catch (Exception exception) when (exception is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
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
