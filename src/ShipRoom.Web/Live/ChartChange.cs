using System.Text.Json;

namespace ShipRoom.Web.Live;

/// <summary>
/// What one chart's <c>update</c> in js/metric-chart.js takes (MetricChart says what each part is): the new points of
/// the traces at <see cref="Indices"/>, each trace keeping <see cref="Max"/> points, and the marks, limit value and
/// limit name when they moved. A dashboard sends its charts' changes in one call with its live values
/// (<see cref="LivePatches"/>); a chart on a page without one sends its own.
/// </summary>
public sealed record ChartChange(string Id, DateTime[][] X, double[][] Y, int[] Indices, int[] Max, JsonElement? Marks, double? LimitValue, string? LimitName);
