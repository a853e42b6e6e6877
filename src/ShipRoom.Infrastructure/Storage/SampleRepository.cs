using Dapper;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// One row per (rollout, metric, cohort, journey, minute). The overall series is stored with journey '' so it can
/// sit in the primary key; a value that is NaN or infinite is stored as NULL and read back as NaN (NO DATA).
/// </summary>
public sealed class SampleRepository(IDbConnectionFactory connections) : ISampleRepository
{
    /// <summary>Rows per INSERT: 6 parameters each stays far below SQLite's and PostgreSQL's parameter limits.</summary>
    private const int RowsPerStatement = 500;

    private const string UpsertConflict = " ON CONFLICT (rollout_id, metric_key, cohort, journey, sample_time_ms) DO UPDATE SET value = excluded.value";

    public async Task<int> UpsertAsync(long rolloutId, IReadOnlyList<MetricSample> samples, CancellationToken cancellationToken)
    {
        if (samples.Count == 0)
        {
            return 0;
        }

        // A poll writes a minute of every series at once: a few multi-row statements, not one round trip per sample.
        // The same key twice in one statement would make ON CONFLICT fail on PostgreSQL, so the last value wins here.
        var rows = samples
            .GroupBy(s => (s.MetricKey, s.Cohort, Journey: s.Journey ?? "", TimeMs: UnixTime.ToMs(s.Time)))
            .Select(g => (g.Key, Value: g.Last().Value))
            .ToList();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = 0;
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var sql = new System.Text.StringBuilder("INSERT INTO metric_samples (rollout_id, metric_key, cohort, journey, sample_time_ms, value) VALUES ");
            var parameters = new DynamicParameters();
            parameters.Add("r", rolloutId);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (key, value) = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append($"(@r, @k{i}, @c{i}, @j{i}, @t{i}, @v{i})");
                parameters.Add($"k{i}", key.MetricKey);
                parameters.Add($"c{i}", key.Cohort.ToString());
                parameters.Add($"j{i}", key.Journey);
                parameters.Add($"t{i}", key.TimeMs);
                parameters.Add($"v{i}", double.IsFinite(value) ? value : null, System.Data.DbType.Double);
            }

            written += await connection.ExecuteAsync(new CommandDefinition(sql.Append(UpsertConflict).ToString(), parameters, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SampleRow>(new CommandDefinition(
            "SELECT metric_key AS MetricKey, cohort AS Cohort, journey AS Journey, sample_time_ms AS TimeMs, value AS Value FROM metric_samples " +
            "WHERE rollout_id = @rolloutId AND sample_time_ms >= @from AND sample_time_ms < @to ORDER BY sample_time_ms, metric_key, cohort, journey",
            new { rolloutId, from = UnixTime.ToMs(from), to = UnixTime.ToMs(to) },
            cancellationToken: cancellationToken));
        return rows.Select(r => new MetricSample(r.MetricKey, Enum.Parse<Cohort>(r.Cohort), r.Journey is "" ? null : r.Journey, UnixTime.FromMs(r.TimeMs), r.Value ?? double.NaN)).ToList();
    }

    public async Task<double> SumAsync(long rolloutId, string metricKey, Cohort cohort, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<double?>(new CommandDefinition(
            "SELECT sum(value) FROM metric_samples WHERE rollout_id = @rolloutId AND metric_key = @metricKey AND cohort = @cohort AND journey = '' AND sample_time_ms >= @from AND sample_time_ms < @to",
            new { rolloutId, metricKey, cohort = cohort.ToString(), from = UnixTime.ToMs(from), to = UnixTime.ToMs(to) },
            cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(sample_time_ms) FROM metric_samples WHERE rollout_id = @rolloutId", new { rolloutId }, cancellationToken: cancellationToken));
        return UnixTime.FromMs(latest);
    }

    private sealed class SampleRow
    {
        public string MetricKey { get; set; } = "";
        public string Cohort { get; set; } = "";
        public string Journey { get; set; } = "";
        public long TimeMs { get; set; }
        public double? Value { get; set; }
    }
}
