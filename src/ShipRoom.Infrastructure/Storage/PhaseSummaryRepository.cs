using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>A PM's summary at a gate: Markdown as written, a recommendation, and the KPIs as they stood (JSON).</summary>
public sealed record PhaseSummaryRecord(long Id, long RolloutId, int PhaseIndex, string Author, string Markdown, string Recommendation, string KpiSnapshot, DateTimeOffset PostedAt);

public interface IPhaseSummaryRepository
{
    Task<long> InsertAsync(long rolloutId, int phaseIndex, string author, string markdown, string recommendation, string kpiSnapshot, DateTimeOffset postedAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<PhaseSummaryRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class PhaseSummaryRepository(IDbConnectionFactory connections) : IPhaseSummaryRepository
{
    public async Task<long> InsertAsync(long rolloutId, int phaseIndex, string author, string markdown, string recommendation, string kpiSnapshot, DateTimeOffset postedAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO phase_summaries (rollout_id, phase_index, author, markdown, recommendation, kpi_snapshot, posted_at_ms) VALUES (@rolloutId, @phaseIndex, @author, @markdown, @recommendation, @kpiSnapshot, @at) RETURNING id",
            new { rolloutId, phaseIndex, author, markdown, recommendation, kpiSnapshot, at = UnixTime.ToMs(postedAt) }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PhaseSummaryRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, rollout_id AS RolloutId, phase_index AS PhaseIndex, author AS Author, markdown AS Markdown, recommendation AS Recommendation, kpi_snapshot AS KpiSnapshot, posted_at_ms AS PostedAtMs " +
            "FROM phase_summaries WHERE rollout_id = @rolloutId ORDER BY id DESC", new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new PhaseSummaryRecord(r.Id, r.RolloutId, (int)r.PhaseIndex, r.Author, r.Markdown, r.Recommendation, r.KpiSnapshot, UnixTime.FromMs(r.PostedAtMs))).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long RolloutId { get; set; }
        public long PhaseIndex { get; set; }
        public string Author { get; set; } = "";
        public string Markdown { get; set; } = "";
        public string Recommendation { get; set; } = "";
        public string KpiSnapshot { get; set; } = "";
        public long PostedAtMs { get; set; }
    }
}
