using Bunit;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

/// <summary>When a panel renders and when it sends its live values instead, and what the browser then holds.</summary>
public sealed class LiveCellsTests : IAsyncDisposable
{
    private readonly BunitContext _browser = new();
    private readonly LivePatches _patches;

    public LiveCellsTests()
    {
        _browser.JSInterop.Mode = JSRuntimeMode.Loose;
        _patches = new LivePatches(_browser.JSInterop.JSRuntime);
    }

    public async ValueTask DisposeAsync()
    {
        await _patches.DisposeAsync();
        await _browser.DisposeAsync();
    }

    private static string[] Shown(LiveCells cells, int count)
    {
        cells.Restart();
        return Enumerable.Range(0, count).Select(_ => cells.Next()).ToArray();
    }

    [Fact]
    public async Task The_same_shape_sends_only_the_changed_values_and_the_next_render_after_that_rebuilds_the_element()
    {
        await _patches.LoadAsync();
        var cells = _patches.NewCells();
        Assert.True(cells.Update("a", ["1 ms", "2 ms"], _patches));
        Assert.Equal(["1 ms", "2 ms"], Shown(cells, 2));
        var first = cells.Generation;

        // Only the second value moved: no render, one patch with null where nothing changed.
        Assert.False(cells.Update("a", ["1 ms", "3 ms"], _patches));
        Assert.True(await _patches.FlushAsync());
        var apply = Assert.Single(_browser.JSInterop.Invocations, i => i.Identifier == "apply");
        var (scope, values) = Assert.Single(SentPatches.Of(apply));
        Assert.Equal(cells.Scope, scope);
        Assert.Equal(new string?[] { null, "3 ms" }, values);
        Assert.Equal(new[] { 1 }, Assert.Single(Assert.IsType<int[][]>(apply.Arguments[2])));

        // Nothing moved: nothing is sent.
        Assert.False(cells.Update("a", ["1 ms", "3 ms"], _patches));
        Assert.True(await _patches.FlushAsync());
        Assert.Single(_browser.JSInterop.Invocations, i => i.Identifier == "apply");

        // A new shape renders, with a new key: the browser shows "3 ms" where the render tree still holds "2 ms", and a
        // diff would send nothing for a value that went back to "2 ms".
        Assert.True(cells.Update("b", ["1 ms", "2 ms"], _patches));
        Assert.NotEqual(first, cells.Generation);
        Assert.Equal(["1 ms", "2 ms"], Shown(cells, 2));

        // A render with no patch since the last one keeps the key (no needless rebuild).
        var second = cells.Generation;
        Assert.True(cells.Update("c", ["1 ms", "2 ms"], _patches));
        Assert.Equal(second, cells.Generation);
    }

    [Fact]
    public void Without_a_way_to_the_browser_every_change_renders()
    {
        var cells = new LiveCells(0);
        Assert.True(cells.Update("a", ["1"], null));
        Assert.True(cells.Update("a", ["2"], null));
        Assert.Equal(["2"], Shown(cells, 1));

        // Before the page loaded the module, the same: nothing is queued.
        var early = _patches.NewCells();
        Assert.True(early.Update("a", ["1"], _patches));
        Assert.True(early.Update("a", ["2"], _patches));
        Assert.False(_patches.Working);
    }

    [Fact]
    public async Task Values_queued_and_not_sent_are_dropped_when_the_panel_renders_instead()
    {
        await _patches.LoadAsync();
        var cells = _patches.NewCells();
        var other = _patches.NewCells();
        Assert.True(cells.Update("a", ["1"], _patches));
        Assert.True(other.Update("a", ["x"], _patches));
        Assert.False(cells.Update("a", ["2"], _patches));
        Assert.False(other.Update("a", ["y"], _patches));

        // The first panel's shape changes before the flush: its render shows "3", and the "2" must not follow it.
        Assert.True(cells.Update("b", ["3"], _patches));
        Assert.True(await _patches.FlushAsync());
        var sent = SentPatches.Of(Assert.Single(_browser.JSInterop.Invocations, i => i.Identifier == "apply"));
        Assert.Equal(other.Scope, Assert.Single(sent).Scope);
    }

    [Fact]
    public async Task A_browser_that_refuses_the_values_gets_renders_from_then_on()
    {
        _browser.JSInterop.Mode = JSRuntimeMode.Strict;
        _browser.JSInterop.SetupModule("./js/live-cells.js").Setup<string[][]?>("apply", _ => true).SetException(new Microsoft.JSInterop.JSException("apply failed"));
        await _patches.LoadAsync();
        var cells = _patches.NewCells();
        Assert.True(cells.Update("a", ["1"], _patches));
        Assert.False(cells.Update("a", ["2"], _patches));

        Assert.False(await _patches.FlushAsync());
        Assert.False(_patches.Working);
        var generation = cells.Generation;
        Assert.True(cells.Update("a", ["2"], _patches));
        Assert.NotEqual(generation, cells.Generation);
        Assert.Equal(["2"], Shown(cells, 1));
    }

    [Fact]
    public async Task Values_lost_with_the_connection_make_every_panel_render_once_and_then_patch_again()
    {
        _browser.JSInterop.Mode = JSRuntimeMode.Strict;
        var apply = _browser.JSInterop.SetupModule("./js/live-cells.js").Setup<string[][]?>("apply", _ => true);
        await _patches.LoadAsync();
        var cells = _patches.NewCells();
        Assert.True(cells.Update("a", ["1"], _patches));
        Assert.False(cells.Update("a", ["2"], _patches));

        // The call never came back (a dropped connection: JS calls, unlike render batches, are not sent again).
        apply.SetException(new TaskCanceledException());
        Assert.False(await _patches.FlushAsync());
        Assert.True(_patches.Working);
        var generation = cells.Generation;
        Assert.True(cells.Update("a", ["2"], _patches));
        Assert.NotEqual(generation, cells.Generation);

        // Once rebuilt, values are sent again.
        Assert.False(cells.Update("a", ["3"], _patches));
    }
}
