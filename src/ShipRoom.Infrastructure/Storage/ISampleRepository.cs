using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Storage;

public interface ISampleRepository
{
    /// <summary>
    /// Stores a batch as it is, below the mark or not: for seeding and tests, a poll stores with
    /// <see cref="StorePollAsync"/>. One transaction on PostgreSQL; transactions of 1,000 rows on SQLite, which has one
    /// writer. A minute stored twice keeps the latest value. Returns the rows written.
    /// </summary>
    Task<int> UpsertAsync(long rolloutId, IReadOnlyList<MetricSample> samples, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a poll's samples and moves the rollout's polled-up-to mark to <paramref name="polledTo"/> (null leaves it),
    /// so that no sample below the mark is written once the mark stands, whichever instance writes: what
    /// <see cref="Rollouts.SampleWindows"/> relies on to keep a judged window. The polls' writes of one rollout take
    /// turns (an advisory lock on PostgreSQL; in process on SQLite, where one instance writes), and each stores only the
    /// minutes at or after the mark it finds: two instances may claim overlapping ranges, and the slower one no longer
    /// rewrites what the faster one marked polled. Returns the rows written.
    /// </summary>
    Task<int> StorePollAsync(long rolloutId, IReadOnlyList<MetricSample> samples, DateTimeOffset? polledTo, CancellationToken cancellationToken);

    /// <summary>Samples with From ≤ time &lt; To, in time order. NaN comes back for a minute stored without a finite value.</summary>
    Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken);
}
