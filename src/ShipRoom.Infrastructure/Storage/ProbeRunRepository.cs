using Dapper;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Recordings;

namespace ShipRoom.Infrastructure.Storage;

public interface IProbeRunRepository
{
    /// <summary>
    /// One sweep's runs of a rollout's probes, in one transaction. Nobody waits for it: it takes the background writes'
    /// turn, after the commands being carried out.
    /// </summary>
    Task InsertAsync(long rolloutId, IReadOnlyList<NewProbeRun> runs, CancellationToken cancellationToken);

    /// <summary>Runs with From ≤ ran_at &lt; To, oldest first (runs at the same instant in the order they were recorded).</summary>
    Task<IReadOnlyList<ProbeRun>> ListAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Every run of the rollout with its latency, in the order of <see cref="ListAsync"/>: for the audit archive.</summary>
    Task<IReadOnlyList<RecordedProbeRun>> ListRecordedAsync(long rolloutId, CancellationToken cancellationToken);
}

/// <summary>A probe run to record, with what the probe measured (none for a simulated run or an unreachable target).</summary>
public sealed record NewProbeRun(ProbeRun Run, double? LatencyMs, int? StatusCode);

public sealed class ProbeRunRepository(IDbConnectionFactory connections) : IProbeRunRepository
{
    public async Task InsertAsync(long rolloutId, IReadOnlyList<NewProbeRun> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }

        // Without the turn, a hundred new rollouts' first probes (three inserts each) met every rollback given then at
        // SQLite's one write lock, and each wait there is a sleep of SQLite's busy handler.
        using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO probe_runs (rollout_id, probe_name, ran_at_ms, passed, latency_ms, status_code, reason) VALUES (@rolloutId, @name, @at, @passed, @latencyMs, @statusCode, @reason)",
            runs.Select(r => new { rolloutId, name = r.Run.ProbeName, at = UnixTime.ToMs(r.Run.RanAt), passed = r.Run.Passed ? 1 : 0, latencyMs = r.LatencyMs, statusCode = r.StatusCode, reason = r.Run.Reason }),
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProbeRun>> ListAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProbeRow>(new CommandDefinition(
            "SELECT probe_name AS ProbeName, ran_at_ms AS RanAtMs, passed AS Passed, reason AS Reason FROM probe_runs WHERE rollout_id = @rolloutId AND ran_at_ms >= @from AND ran_at_ms < @to ORDER BY ran_at_ms, id",
            new { rolloutId, from = UnixTime.ToMs(from), to = UnixTime.ToMs(to) }, cancellationToken: cancellationToken));
        return rows.Select(r => new ProbeRun(r.ProbeName, UnixTime.FromMs(r.RanAtMs), r.Passed != 0, r.Reason)).ToList();
    }

    public async Task<IReadOnlyList<RecordedProbeRun>> ListRecordedAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProbeRow>(new CommandDefinition(
            "SELECT probe_name AS ProbeName, ran_at_ms AS RanAtMs, passed AS Passed, latency_ms AS LatencyMs, reason AS Reason FROM probe_runs WHERE rollout_id = @rolloutId ORDER BY ran_at_ms, id",
            new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RecordedProbeRun(UnixTime.FromMs(r.RanAtMs), r.ProbeName, r.Passed != 0, r.LatencyMs, r.Reason)).ToList();
    }

    private sealed class ProbeRow
    {
        public double? LatencyMs { get; set; }

        public string ProbeName { get; set; } = "";
        public long RanAtMs { get; set; }
        public long Passed { get; set; }
        public string? Reason { get; set; }
    }
}
