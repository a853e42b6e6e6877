namespace ShipRoom.Core.Metrics;

/// <summary>
/// One value of one metric for one cohort at one minute. <paramref name="Journey"/> is null for the
/// overall series. A NaN or infinite value is kept as it came: the engine treats it as NO DATA.
/// </summary>
public sealed record MetricSample(string MetricKey, Cohort Cohort, string? Journey, DateTimeOffset Time, double Value);
