using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.MetricSources;

/// <summary>
/// One series to read: a metric for one cohort (and journey, null for overall) at one-minute resolution over
/// [From, To), both on whole minutes. <see cref="Query"/> is the plan's query text for this source, if any.
/// <see cref="PhaseIndex"/> is the rollout phase in effect (the simulator's scenarios switch on by phase).
/// </summary>
public sealed record MetricSeriesRequest(
    string MetricKey,
    Cohort Cohort,
    string? Journey,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Query = null,
    int PhaseIndex = 0);

/// <summary>
/// What a source answered: the samples it had (minutes it had nothing for are simply absent) or, when the read
/// failed, why. A failed read is NO DATA for the whole range, never zero and never good.
/// </summary>
public sealed record MetricSeriesResult(IReadOnlyList<MetricSample> Samples, string? Problem)
{
    public bool Failed => Problem is not null;

    public static MetricSeriesResult Of(IReadOnlyList<MetricSample> samples) => new(samples, null);

    public static MetricSeriesResult NoData(string problem) => new([], problem);
}
