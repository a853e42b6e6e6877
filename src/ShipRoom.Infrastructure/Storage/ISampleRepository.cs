using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Storage;

public interface ISampleRepository
{
    /// <summary>
    /// Stores a batch (in one transaction on PostgreSQL; in transactions of 1,000 rows on SQLite, which has one writer);
    /// a minute stored twice keeps the latest value. Returns the rows written.
    /// </summary>
    Task<int> UpsertAsync(long rolloutId, IReadOnlyList<MetricSample> samples, CancellationToken cancellationToken);

    /// <summary>Samples with From ≤ time &lt; To, in time order. NaN comes back for a minute stored without a finite value.</summary>
    Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken);
}
