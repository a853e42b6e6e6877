using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Storage;

public interface ISampleRepository
{
    /// <summary>
    /// Stores a poll's samples and moves the rollout's polled-up-to mark to <paramref name="polledTo"/> (null leaves it;
    /// the mark only moves forward), so that no sample below the mark is written once the mark stands, whichever
    /// instance writes: what <see cref="Rollouts.SampleWindows"/> relies on to keep a judged window. This is the only
    /// write of samples and of the mark. The polls' writes of one rollout take turns (an advisory lock on PostgreSQL;
    /// SQLite's one write lock, each transaction of the write reading the mark again), and each stores only the minutes
    /// at or after the mark it finds: two instances may claim overlapping ranges, and the slower one no longer rewrites
    /// what the faster one marked polled (nor fills in what the faster one's partly failed read left empty below it).
    /// Returns the rows written.
    /// </summary>
    Task<int> StorePollAsync(long rolloutId, IReadOnlyList<MetricSample> samples, DateTimeOffset? polledTo, CancellationToken cancellationToken);

    /// <summary>Samples with From ≤ time &lt; To, in time order. NaN comes back for a minute stored without a finite value.</summary>
    Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken);
}
