using System.Text.Json;
using System.Text.Json.Serialization;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Components.Rollout;

/// <summary>
/// The chart of one metric: control and canary lines, the gate's threshold as a dashed line, phase starts as vertical
/// lines and the current observation window shaded. Points are already bounded by the snapshot. The title and the key
/// are the page's own text above the chart, not Plotly's: Plotly measures every text it draws, and a title and legend
/// in each of eight charts were a third of the time a dashboard took to open. A saved PNG draws them in (metric-chart.js).
/// </summary>
public static class MetricChartModel
{
    public const string ControlColour = "#5b7083";
    public const string CanaryColour = "#d9480f";

    public const string LimitColour = "#c92a2a";

    /// <summary>"P95 latency (ms)": the chart's title, on the page and in a saved PNG.</summary>
    public static string Title(MetricSnapshot metric) => $"{metric.Name} ({(metric.Unit.Length == 0 ? "count" : metric.Unit)})";

    /// <summary>The dashed line's name in the key ("Limit &lt;= 130 ms"); null when the chart has no limit line.</summary>
    public static string? LimitName(MetricSnapshot metric) => LimitLine(metric) is null ? null : $"Limit {metric.GateLimit}";

    public static IList<ITrace> Traces(MetricSnapshot metric)
    {
        var traces = new List<ITrace>
        {
            Line("Control", metric.ControlSeries, ControlColour),
            Line("Canary", metric.CanarySeries, CanaryColour),
        };
        if (LimitLine(metric) is { } limit)
        {
            traces.Add(new Scatter
            {
                Name = LimitName(metric),
                Mode = ModeFlag.Lines,
                X = [limit.From, limit.To],
                Y = [limit.Value, limit.Value],
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = LimitColour, Dash = "dash", Width = 1.5m },
                HoverInfo = HoverInfoFlag.Name,
            });
        }

        return traces;
    }

    /// <summary>The gate's threshold drawn across the canary series, first point to last; null without a threshold or points.</summary>
    public static (DateTime From, DateTime To, double Value)? LimitLine(MetricSnapshot metric) =>
        metric.Threshold is { } threshold && metric.CanarySeries.Count > 0 ? (metric.CanarySeries[0].Time.UtcDateTime, metric.CanarySeries[^1].Time.UtcDateTime, threshold) : null;

    /// <summary>The first and last point's times, or nulls for an empty series.</summary>
    private static (DateTimeOffset? First, DateTimeOffset? Last) TimeSpanned(IReadOnlyList<SeriesPoint> series) =>
        series.Count == 0 ? (null, null) : (series[0].Time, series[^1].Time);

    /// <summary>
    /// What the marks are apart from where the window's shading ends (it ends at the newest point, so it moves with every
    /// point): phase lines inside the series and the shading's start. When only the end moved, nothing is sent: the
    /// browser moves it to the newest point (js/metric-chart.js).
    /// </summary>
    public static string MarksKey(MetricSnapshot metric, IReadOnlyList<PhaseSnapshot> phases, DateTimeOffset? windowStart)
    {
        var (first, last) = TimeSpanned(metric.CanarySeries);
        var lines = phases.Where(p => p.StartedAt is not null && p.StartedAt >= first && p.StartedAt <= last).Select(p => p.StartedAt!.Value.ToString("O"));
        return $"{string.Join(',', lines)}|{(windowStart is { } start && last is { } end && start < end ? start.ToString("O") : "")}";
    }

    // No mode bar: its buttons were drawn into every chart at every open; zoom by dragging and reset by double-click
    // remain, and saving a PNG is the page's own button.
    private static readonly Config ChartConfig = new() { Responsive = true, DisplayLogo = false, DisplayModeBar = Plotly.Blazor.ConfigLib.DisplayModeBarEnum.False };

    // Plotly.Blazor's model classes name their JSON (properties, enum values) by attributes; nulls are left out, as
    // Plotly.Blazor leaves them out. Static: the serializer's state for these types is built once for every viewer.
    private static readonly JsonSerializerOptions FigureJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// The whole chart as the JSON js/metric-chart.js hands Plotly (data, layout, config), made here with one static set
    /// of serializer options. A JSON element crosses the dashboard's JS interop as it is: objects passed there build
    /// serializer state for every type they hold in that dashboard's own connection (a quarter of a megabyte each,
    /// measured with dotnet-gcdump), and JSON passed as a string is escaped on the way (every quote six bytes).
    /// </summary>
    public static JsonElement Figure(MetricSnapshot metric, IReadOnlyList<PhaseSnapshot> phases, DateTimeOffset? windowStart, bool dark, int height) =>
        // Traces as object: each is written as what it is (a Scatter), not as the ITrace it is declared.
        JsonSerializer.SerializeToElement(new { data = Traces(metric).Cast<object>(), layout = Layout(metric, phases, windowStart, dark, height), config = ChartConfig }, FigureJson);

    /// <summary>Every shape (phase lines, the shading), for the chart's layout when a phase line or the shading's start moved.</summary>
    public static JsonElement Marks(MetricSnapshot metric, IReadOnlyList<PhaseSnapshot> phases, DateTimeOffset? windowStart, bool dark) =>
        JsonSerializer.SerializeToElement(new { shapes = Shapes(metric, phases, windowStart, dark) }, FigureJson);

    public static Plotly.Blazor.Layout Layout(MetricSnapshot metric, IReadOnlyList<PhaseSnapshot> phases, DateTimeOffset? windowStart, bool dark, int height)
    {
        var text = dark ? "#e6e9ef" : "#1f2933";
        var grid = dark ? "#3a4150" : "#e3e8ef";
        return new Plotly.Blazor.Layout
        {
            Height = height,
            Margin = new Margin { L = 48, R = 12, T = 8, B = 32 },
            PaperBgColor = "rgba(0,0,0,0)",
            PlotBgColor = "rgba(0,0,0,0)",
            Font = new Font { Color = text, Size = 11 },
            ShowLegend = false,
            XAxis = [new XAxis { GridColor = grid, Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date }],
            YAxis = [new YAxis { GridColor = grid, ZeroLine = false }],
            Shapes = Shapes(metric, phases, windowStart, dark),
        };
    }

    /// <summary>Phase starts inside the series as dotted lines, then the observation window shaded (always the last shape).</summary>
    private static List<Shape> Shapes(MetricSnapshot metric, IReadOnlyList<PhaseSnapshot> phases, DateTimeOffset? windowStart, bool dark)
    {
        var shapes = new List<Shape>();
        var (first, last) = TimeSpanned(metric.CanarySeries);
        foreach (var phase in phases.Where(p => p.StartedAt is not null && p.StartedAt >= first && p.StartedAt <= last))
        {
            shapes.Add(new Shape
            {
                Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
                X0 = phase.StartedAt!.Value.UtcDateTime,
                X1 = phase.StartedAt!.Value.UtcDateTime,
                Y0 = 0,
                Y1 = 1,
                YRef = "paper",
                Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#7048e8", Width = 1, Dash = "dot" },
            });
        }

        if (windowStart is { } start && last is { } end && start < end)
        {
            shapes.Add(new Shape
            {
                Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Rect,
                X0 = start.UtcDateTime,
                X1 = end.UtcDateTime,
                Y0 = 0,
                Y1 = 1,
                YRef = "paper",
                FillColor = dark ? "rgba(127,179,230,0.12)" : "rgba(31,78,121,0.07)",
                Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Width = 0 },
                Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Below,
            });
        }

        return shapes;
    }

    private static Scatter Line(string name, IReadOnlyList<SeriesPoint> points, string colour) => new()
    {
        Name = name,
        Mode = ModeFlag.Lines,
        X = points.Select(p => (object)p.Time.UtcDateTime).ToList(),
        Y = points.Select(p => (object)p.Value).ToList(),
        Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = colour, Width = 2 },
    };
}
