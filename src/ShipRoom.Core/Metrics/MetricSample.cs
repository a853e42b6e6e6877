namespace ShipRoom.Core.Metrics;

/// <summary>
/// One value of one metric for one cohort at one minute. <paramref name="Journey"/> is null for the
/// overall series. A NaN or infinite value is kept as it came: the engine treats it as NO DATA. A value, not an object:
/// a live rollout keeps its judged window in memory (5,460 samples an hour into the shipped 1% plan), and as objects
/// those were two thirds of the heap's objects, each one copied by the collector from generation to generation while
/// a hundred new rollouts back-filled; as values they are one array per window, on the large object heap.
/// </summary>
public readonly record struct MetricSample(string MetricKey, Cohort Cohort, string? Journey, DateTimeOffset Time, double Value);
