using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Components.Rollout;

/// <summary>
/// What a drawn chart needs to show a new snapshot of its metric: nothing, the new points only (appended in the browser,
/// keeping as many points as the series now has: js/metric-chart.js <c>update</c>), or a whole redraw (another metric or theme, a
/// limit line that comes or goes, the first points, or a change that is not "drop the oldest, add the newest").
/// </summary>
public sealed record MetricChartUpdate(bool Redraw, ListDelta<SeriesPoint> Control, ListDelta<SeriesPoint> Canary)
{
    public static readonly MetricChartUpdate None = new(false, default, default);

    public static MetricChartUpdate Between(MetricSnapshot drawn, MetricSnapshot current)
    {
        // A new limit (the next phase's) moves the dashed line's two ends and renames it, which an update does; a line that
        // comes or goes changes the traces, which only a redraw does.
        if (drawn.Key != current.Key || drawn.Name != current.Name || drawn.Unit != current.Unit || MetricChartModel.LimitLine(drawn) is null != MetricChartModel.LimitLine(current) is null)
        {
            return Redrawn;
        }

        if (ReferenceEquals(drawn.ControlSeries, current.ControlSeries) && ReferenceEquals(drawn.CanarySeries, current.CanarySeries))
        {
            return None;
        }

        var control = ListDelta<SeriesPoint>.Between(drawn.ControlSeries, current.ControlSeries);
        var canary = ListDelta<SeriesPoint>.Between(drawn.CanarySeries, current.CanarySeries);
        return Extendable(control, drawn.ControlSeries) && Extendable(canary, drawn.CanarySeries) ? new MetricChartUpdate(false, control, canary) : Redrawn;
    }

    private static readonly MetricChartUpdate Redrawn = new(true, default, default);

    /// <summary>Appending and keeping the new count drops exactly the oldest points, so it can show old[drop..] + append, but not drops alone or a change inside.</summary>
    private static bool Extendable(ListDelta<SeriesPoint> delta, IReadOnlyList<SeriesPoint> drawn) =>
        delta.IsEmpty || (drawn.Count > 0 && delta.Drop < drawn.Count && delta.Append.Count > 0);
}
