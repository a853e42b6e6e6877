using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Conditions;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class MetricChartTests : ComponentTestContext
{
    // The charts draw as on a live connection unless a test says otherwise (the prerendered figure).
    public MetricChartTests() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    private static MetricSnapshot Latency(int points, double? threshold = 130)
    {
        var canary = Enumerable.Range(0, points).Select(i => new SeriesPoint(Now.AddMinutes(i - 10), 100 + i)).ToList();
        var control = canary.Select(p => p with { Value = 98 }).ToList();
        return new MetricSnapshot("p95_latency_ms", "P95 latency", "ms", BetterDirection.Lower, 98, 100 + points - 1, 5, GateStatus.Green, "<= 130 ms", threshold, [], control, canary);
    }

    private int Invocations(string suffix) => JSInterop.Invocations.Count(i => i.Identifier.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void The_chart_is_named_for_its_metric_with_a_png_button_that_says_which_chart()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));

        var root = chart.Find("[data-chart=p95_latency_ms]");
        Assert.Equal("P95 latency: control and canary over time", root.GetAttribute("aria-label"));
        Assert.Equal("Save the P95 latency chart as PNG", chart.Find("button").GetAttribute("aria-label"));
        Assert.NotNull(chart.Find("[data-plot=chart-p95_latency_ms]"));
    }

    /// <summary>
    /// The prerendered page carries each chart's figure, for js/metric-chart.js to draw while the page connects; the live
    /// page draws by interop and carries none. The JSON cannot end its script element early: it has no '&lt;' at all,
    /// although the limit line's name ("Limit &lt;= 130 ms") is in it.
    /// </summary>
    [Fact]
    public void The_prerendered_chart_carries_its_figure_and_the_live_one_does_not()
    {
        var metric = Latency(5);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        var prerendered = Render<MetricChart>(p => p.Add(x => x.Metric, metric));

        var figure = prerendered.Find("[data-plot=chart-p95_latency_ms] script[type='application/json'][data-figure]").InnerHtml;
        Assert.DoesNotContain("<", figure);
        using var json = System.Text.Json.JsonDocument.Parse(figure);
        Assert.Equal(3, json.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal("Limit <= 130 ms", json.RootElement.GetProperty("data")[2].GetProperty("name").GetString());
        Assert.True(json.RootElement.TryGetProperty("layout", out _));

        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var drawsBefore = Invocations("draw");
        var live = Render<MetricChart>(p => p.Add(x => x.Metric, metric));
        Assert.Empty(live.FindAll("script"));

        // The browser keeps the early chart only when the live page's first draw brings the same figure.
        live.WaitForAssertion(() => Assert.Equal(drawsBefore + 1, Invocations("draw")));
        var drawn = (System.Text.Json.JsonElement)JSInterop.Invocations.Last(i => i.Identifier == "draw").Arguments[2]!;
        Assert.True(System.Text.Json.JsonElement.DeepEquals(json.RootElement, drawn), "the prerendered figure is not the one the live page draws");
    }

    /// <summary>
    /// A dashboard opened just as a poll lands: new points must not reach Plotly before its chart exists (Plotly throws
    /// "gd.data must be an array"). They wait behind the first draw and follow it in order.
    /// </summary>
    [Fact]
    public void Points_that_come_before_the_first_draw_wait_for_it_and_follow_in_order()
    {
        var charts = JSInterop.SetupModule(Module);
        var draw = charts.SetupVoid("draw", _ => true);
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));

        chart.Render(p => p.Add(x => x.Metric, Latency(6)));
        chart.Render(p => p.Add(x => x.Metric, Latency(7)));
        Assert.Equal(1, Invocations("draw"));
        Assert.Equal(0, Invocations("update"));

        // The calls follow the draw without a render (bUnit's WaitForAssertion checks again only on renders): poll, bounded.
        draw.SetVoidResult();
        for (var wait = 0; wait < 200 && Invocations("update") < 2; wait++)
        {
            Thread.Sleep(25);
        }

        Assert.Equal(2, Invocations("update"));
        // Each update keeps as many points as its series then had: 6, then 7.
        var kept = JSInterop.Invocations.Where(i => i.Identifier == "update").Select(i => Ints(i.Arguments[4])[0]);
        Assert.Equal([6, 7], kept);
        Assert.Equal(1, Invocations("draw"));
    }

    /// <summary>
    /// The panel charts another metric (a verdict arrived, a phase gates another one): the div is renamed by the render,
    /// so the new chart is drawn after it (a draw sent before that render's batch would find no element), and no point
    /// of it is sent before that draw.
    /// </summary>
    [Fact]
    public void Another_metric_in_the_same_place_is_drawn_after_the_render_that_names_its_div()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));
        var errors = Latency(5) with { Key = "error_rate_pct", Name = "Error rate" };

        chart.Render(p => p.Add(x => x.Metric, errors));
        chart.Render(p => p.Add(x => x.Metric, Latency(6) with { Key = "error_rate_pct", Name = "Error rate" }));

        Assert.NotNull(chart.Find("[data-plot=chart-error_rate_pct]"));
        var draws = JSInterop.Invocations.Where(i => i.Identifier == "draw").Select(i => i.Arguments[1]).ToList();
        Assert.Equal(["chart-p95_latency_ms", "chart-error_rate_pct"], draws);
        // The new point follows the new chart's draw, never the old chart's points.
        var calls = JSInterop.Invocations.Where(i => i.Identifier is "draw" or "update").Select(i => $"{i.Identifier} {i.Arguments[i.Identifier == "draw" ? 1 : 0]}").ToList();
        Assert.Equal(["draw chart-p95_latency_ms", "draw chart-error_rate_pct", "update chart-error_rate_pct"], calls);
    }

    /// <summary>A call the browser refused leaves the chart in a state the server does not know: the next change redraws it whole.</summary>
    [Fact]
    public void After_a_refused_call_the_next_change_redraws_the_chart()
    {
        var charts = JSInterop.SetupModule(Module);
        charts.SetupVoid("draw", _ => true).SetVoidResult();
        charts.SetupVoid("update", _ => true).SetException(new Microsoft.JSInterop.JSException("Plotly: gd.data must be an array"));
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));

        chart.Render(p => p.Add(x => x.Metric, Latency(6)));
        Assert.Equal(1, Invocations("update"));
        chart.Render(p => p.Add(x => x.Metric, Latency(7)));

        Assert.Equal(2, Invocations("draw"));
        Assert.Equal(1, Invocations("update"));
    }

    /// <summary>
    /// On a dashboard the charts' new points go with its live values, one call per update for all of them
    /// (LivePatches, live-cells.js <c>apply</c>), once each chart's first draw is done; no chart makes a call of its own.
    /// </summary>
    [Fact]
    public async Task On_a_dashboard_the_new_points_go_in_the_live_values_call_not_a_call_per_chart()
    {
        await using var dashboard = await TwoChartsOnADashboardAsync();
        var patches = dashboard.Patches;
        dashboard.Show(6);
        Assert.True(await patches.FlushAsync());

        Assert.Equal(0, Invocations("update"));
        var apply = Assert.Single(JSInterop.Invocations, i => i.Identifier == "apply");
        Assert.Equal(["chart-p95_latency_ms", "chart-error_rate_pct"], Assert.IsType<string[]>(apply.Arguments[4]));
        var x = Assert.IsType<DateTime[][][]>(apply.Arguments[5]);
        var y = Assert.IsType<double[][][]>(apply.Arguments[6]);
        Assert.Equal([0, 1], Assert.IsType<int[][]>(apply.Arguments[7])[0]);
        Assert.Equal([6, 6], Assert.IsType<int[][]>(apply.Arguments[8])[0]);
        // One new point per trace: the newest of each series, nothing before it.
        Assert.Equal([Now.AddMinutes(-5).UtcDateTime], x[0][1]);
        Assert.Equal([105.0], y[0][1]);
        Assert.Equal([98.0], y[0][0]);
        Assert.Equal(2, Invocations("draw"));
    }

    /// <summary>
    /// On a dashboard too, points that come while the first draw is still on its way wait behind it, in the chart's own
    /// call: the live values' call, sent after the render, could reach the browser before the draw is done.
    /// </summary>
    [Fact]
    public async Task On_a_dashboard_points_before_the_first_draw_is_done_follow_it_in_the_charts_own_call()
    {
        var charts = JSInterop.SetupModule(Module);
        var draw = charts.SetupVoid("draw", _ => true);
        await using var patches = new ShipRoom.Web.Live.LivePatches(JSInterop.JSRuntime);
        await patches.LoadAsync();
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)).AddCascadingValue(patches));

        chart.Render(p => p.Add(x => x.Metric, Latency(6)));
        Assert.True(await patches.FlushAsync());
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "apply");
        Assert.Equal(0, Invocations("update"));

        draw.SetVoidResult();
        for (var wait = 0; wait < 200 && Invocations("update") < 1; wait++)
        {
            Thread.Sleep(25);
        }

        var update = Assert.Single(JSInterop.Invocations, i => i.Identifier == "update");
        Assert.Equal([6, 6], Ints(update.Arguments[4]));
    }

    /// <summary>
    /// A chart whose points the browser refused inside the dashboard's call (a Plotly error, told back by
    /// live-cells.js), or whose call may not have arrived, is drawn whole at its next change; the other charts and
    /// the live values go on as before.
    /// </summary>
    [Fact]
    public async Task A_chart_whose_points_the_dashboard_call_did_not_deliver_is_redrawn_at_its_next_change()
    {
        var cells = JSInterop.SetupModule("./js/live-cells.js");
        var apply = cells.Setup<string[][]?>("apply", _ => true);
        apply.SetResult([["chart-p95_latency_ms"], ["Plotly: gd.data must be an array"]]);
        await using var dashboard = await TwoChartsOnADashboardAsync();
        var patches = dashboard.Patches;
        dashboard.Show(6);
        Assert.True(await patches.FlushAsync());
        Assert.True(patches.Working);

        dashboard.Show(7);
        dashboard.LatencyChart.WaitForAssertion(() => Assert.Equal(3, Invocations("draw")));
        Assert.Equal("chart-p95_latency_ms", JSInterop.Invocations.Last(i => i.Identifier == "draw").Arguments[1]);

        Assert.True(await patches.FlushAsync());

        // The call is cut (a lost connection): every chart in it redraws at its next change.
        dashboard.Show(8);
        cells.Setup<string[][]?>("apply", _ => true).SetException(new Microsoft.JSInterop.JSDisconnectedException("gone"));
        Assert.False(await patches.FlushAsync());
        Assert.Equal(3, Invocations("draw"));
        dashboard.Show(9);
        dashboard.LatencyChart.WaitForAssertion(() => Assert.Equal(5, Invocations("draw")));
        Assert.Equal(0, Invocations("update"));
    }

    [Fact]
    public void Another_theme_redraws_the_chart_and_the_same_points_send_nothing()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));
        var before = JSInterop.Invocations.Count;

        chart.Render(p => p.Add(x => x.Metric, Latency(5)));
        Assert.Equal(before, JSInterop.Invocations.Count);

        chart.Render(p => p.Add(x => x.Metric, Latency(5)).Add(x => x.Dark, true));
        Assert.Equal(2, Invocations("draw"));
    }

    [Fact]
    public void A_second_update_with_one_new_point_sends_only_that_point()
    {
        var window = Now.AddMinutes(-8);
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)).Add(x => x.WindowStart, window));
        var before = JSInterop.Invocations.Count;

        var next = Latency(6);
        chart.Render(p => p.Add(x => x.Metric, next).Add(x => x.WindowStart, window));

        var sent = JSInterop.Invocations.Skip(before).ToList();
        Assert.Equal(1, Invocations("draw"));
        // One call: (id, x per trace, y per trace, indices, points kept per trace, marks, limit value, limit name).
        var update = Assert.Single(sent);
        Assert.Equal("update", update.Identifier);
        var x = Values(update.Arguments[1]);
        var y = Values(update.Arguments[2]);
        Assert.Equal([0, 1], Ints(update.Arguments[3]));
        Assert.Equal([6, 6], Ints(update.Arguments[4]));
        // One point for control and one for canary, keeping the series' 6 points.
        Assert.Equal([[next.ControlSeries[^1].Time.UtcDateTime], [next.CanarySeries[^1].Time.UtcDateTime]], x);
        Assert.Equal([[98.0], [105.0]], y);
        // The dashed limit's ends and the shading's end follow the newest point in the browser (js/metric-chart.js): of
        // the marks, the limit's value and its name nothing moved, so nothing else is sent.
        Assert.Null(Marks(update));
        Assert.Null(update.Arguments[6]);
        Assert.Null(update.Arguments[7]);
    }

    [Fact]
    public void Marks_are_sent_again_whole_when_a_phase_line_enters_and_not_at_all_when_none_moved()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));
        var before = JSInterop.Invocations.Count;

        // No shading and no phase line: a new point moves no mark.
        chart.Render(p => p.Add(x => x.Metric, Latency(6)));
        Assert.Null(Marks(Assert.Single(JSInterop.Invocations.Skip(before))));

        // A phase that started inside the series draws a line: the shapes go whole.
        before = JSInterop.Invocations.Count;
        chart.Render(p => p.Add(x => x.Metric, Latency(7)).Add(x => x.Phases, [new PhaseSnapshot(1, "10%", 10, 30, Now.AddMinutes(-6))]));
        Assert.Equal("shapes", Assert.Single(Marks(Assert.Single(JSInterop.Invocations.Skip(before)))!).Key);
    }

    /// <summary>
    /// The rollout advanced and the next phase gates the metric with another limit: the update names the new value and
    /// name (the browser moves and renames the dashed line), not a redraw of every point (a redraw on each advance was most of an advance's traffic per
    /// dashboard). A limit line that goes away changes the traces, and only that redraws.
    /// </summary>
    [Fact]
    public void The_next_phases_limit_moves_and_renames_the_line_without_a_redraw_and_a_limit_that_goes_redraws()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));
        var before = JSInterop.Invocations.Count;

        var next = Latency(6, threshold: 150) with { GateLimit = "<= 150 ms" };
        chart.Render(p => p.Add(x => x.Metric, next));

        var update = Assert.Single(JSInterop.Invocations.Skip(before));
        Assert.Equal("update", update.Identifier);
        Assert.Equal([0, 1], Ints(update.Arguments[3]));
        Assert.Equal(150.0, update.Arguments[6]);
        Assert.Equal("Limit <= 150 ms", update.Arguments[7]);
        Assert.Equal(["Control", "Canary", "Limit <= 150 ms"], chart.FindAll(".key-item").Select(k => k.TextContent.Trim()));
        Assert.Equal(1, Invocations("draw"));

        // The same limit with the next point: no new name.
        before = JSInterop.Invocations.Count;
        chart.Render(p => p.Add(x => x.Metric, Latency(7, threshold: 150) with { GateLimit = "<= 150 ms" }));
        var same = Assert.Single(JSInterop.Invocations.Skip(before));
        Assert.Null(same.Arguments[6]);
        Assert.Null(same.Arguments[7]);

        chart.Render(p => p.Add(x => x.Metric, Latency(8, threshold: null)));
        Assert.Equal(2, Invocations("draw"));
    }

    [Fact]
    public void A_point_changed_inside_the_series_redraws_the_chart()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));
        var revised = Latency(5);
        revised = revised with { CanarySeries = revised.CanarySeries.Select((p, i) => i == 2 ? p with { Value = 1 } : p).ToList() };

        chart.Render(p => p.Add(x => x.Metric, revised));

        Assert.Equal(2, Invocations("draw"));
        Assert.Equal(0, Invocations("update"));
    }

    /// <summary>Two charts drawn inside a dashboard's live values (LivePatches), as the dashboard page places them.</summary>
    private sealed record TwoCharts(ShipRoom.Web.Live.LivePatches Patches, IRenderedComponent<MetricChart> LatencyChart, IRenderedComponent<MetricChart> ErrorsChart) : IAsyncDisposable
    {
        /// <summary>Both metrics' series now have this many points.</summary>
        public void Show(int points)
        {
            LatencyChart.Render(p => p.Add(x => x.Metric, Latency(points)));
            ErrorsChart.Render(p => p.Add(x => x.Metric, Latency(points) with { Key = "error_rate_pct" }));
        }

        public ValueTask DisposeAsync() => Patches.DisposeAsync();
    }

    private async Task<TwoCharts> TwoChartsOnADashboardAsync()
    {
        var patches = new ShipRoom.Web.Live.LivePatches(JSInterop.JSRuntime);
        await patches.LoadAsync();
        var charts = new TwoCharts(patches,
            Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)).AddCascadingValue(patches)),
            Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5) with { Key = "error_rate_pct" }).AddCascadingValue(patches)));
        charts.LatencyChart.WaitForAssertion(() => Assert.Equal(2, Invocations("draw")));
        return charts;
    }

    private static List<int> Ints(object? argument) => ((IEnumerable<int>)argument!).ToList();

    private static List<List<object>> Values(object? argument) => ((System.Collections.IEnumerable)argument!).Cast<System.Collections.IEnumerable>().Select(v => v.Cast<object>().ToList()).ToList();

    private static Dictionary<string, System.Text.Json.JsonElement>? Marks(JSRuntimeInvocation update) =>
        update.Arguments[5] is System.Text.Json.JsonElement marks ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(marks) : null;

    private const string Module = "./js/metric-chart.js";

    [Fact]
    public void Png_saves_the_chart_as_shown_with_its_title_and_key_drawn_in()
    {
        var png = JSInterop.SetupModule(Module);
        png.SetupVoid("savePng", _ => true).SetVoidResult();
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));

        chart.Find("button.chart-save").Click();

        chart.WaitForAssertion(() => Assert.Single(png.Invocations, i => i.Identifier == "savePng"));
        var call = png.Invocations.Single(i => i.Identifier == "savePng");
        Assert.Equal(["chart-p95_latency_ms", "P95 latency (ms)", "shiproom-p95_latency_ms", "1200", "600"], call.Arguments.Select(a => a?.ToString()));
    }

    [Fact]
    public void The_title_and_key_are_page_text_and_plotly_draws_neither_nor_a_mode_bar()
    {
        var chart = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5)));

        Assert.Equal("P95 latency (ms)", chart.Find(".chart-title").TextContent);
        Assert.Equal(["Control", "Canary", "Limit <= 130 ms"], chart.FindAll(".key-item").Select(k => k.TextContent.Trim()));
        var noLimit = Render<MetricChart>(p => p.Add(x => x.Metric, Latency(5, threshold: null)));
        Assert.Equal(["Control", "Canary"], noLimit.FindAll(".key-item").Select(k => k.TextContent.Trim()));
        Assert.Empty(chart.FindAll(".mud-button-root"));

        var layout = MetricChartModel.Layout(Latency(5), [], null, dark: false, height: 220);
        Assert.False(layout.ShowLegend);
        Assert.Null(layout.Title);
    }

    [Fact]
    public void The_figure_is_json_plotly_takes_as_it_is()
    {
        var metric = Latency(3);

        var figure = MetricChartModel.Figure(metric, [], Now.AddMinutes(-9), dark: true, height: 220);

        var data = figure.GetProperty("data");
        Assert.Equal(["Control", "Canary", "Limit <= 130 ms"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(data.EnumerateArray(), t => Assert.Equal("scatter", t.GetProperty("type").GetString()));
        Assert.Equal("dash", data[2].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal([101.0, 102.0], data[1].GetProperty("y").EnumerateArray().Skip(1).Select(v => v.GetDouble()));
        Assert.Equal(metric.CanarySeries[^1].Time.UtcDateTime, data[1].GetProperty("x")[2].GetDateTime().ToUniversalTime());
        var layout = figure.GetProperty("layout");
        Assert.False(layout.GetProperty("showlegend").GetBoolean());
        Assert.Equal("date", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("rect", layout.GetProperty("shapes")[0].GetProperty("type").GetString());
        Assert.False(layout.TryGetProperty("title", out _));
        var config = figure.GetProperty("config");
        Assert.False(config.GetProperty("displayModeBar").GetBoolean());
        Assert.True(config.GetProperty("responsive").GetBoolean());
    }

    [Fact]
    public void The_model_draws_control_canary_and_the_gate_limit_and_marks_only_phases_inside_the_series()
    {
        var metric = Latency(10);
        var phases = new[] { new PhaseSnapshot(0, "1%", 1, 15, Now.AddHours(-2)), new PhaseSnapshot(1, "10%", 10, 30, Now.AddMinutes(-4)) };

        var traces = MetricChartModel.Traces(metric).Cast<Plotly.Blazor.Traces.Scatter>().ToList();
        var layout = MetricChartModel.Layout(metric, phases, Now.AddMinutes(-6), dark: false, height: 220);

        Assert.Equal(["Control", "Canary", "Limit <= 130 ms"], traces.Select(t => t.Name));
        Assert.Equal([130.0, 130.0], traces[2].Y.Cast<double>());
        Assert.Equal(10, traces[1].Y.Count);
        Assert.Equal(2, layout.Shapes.Count); // the 10% phase start and the observation window; the 1% start lies before the series
        Assert.Equal("P95 latency (ms)", MetricChartModel.Title(metric));
        Assert.Equal(2, MetricChartModel.Traces(Latency(10, threshold: null)).Count);
    }
}
