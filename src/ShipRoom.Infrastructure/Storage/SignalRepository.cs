using System.Data.Common;
using Dapper;
using ShipRoom.Core.Evaluation;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>A signal to store: <see cref="DedupKey"/> (an incident tool's incident key) makes a retried webhook a no-op.</summary>
public sealed record NewSignal(string Kind, string Source, string Summary, string? Url, string RaisedBy, DateTimeOffset RaisedAt, DateTimeOffset ReceivedAt, string? DedupKey);

public interface ISignalRepository
{
    /// <summary>Stores the signal and returns it with its id; a signal with the same dedup key for the rollout is returned as stored before (Created false).</summary>
    Task<(ExternalSignal Signal, bool Created)> InsertAsync(long rolloutId, NewSignal signal, CancellationToken cancellationToken);

    /// <summary>Every signal of the rollout, oldest first.</summary>
    Task<IReadOnlyList<ExternalSignal>> ListAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class SignalRepository(IDbConnectionFactory connections) : ISignalRepository
{
    private const string Columns = "id AS Id, kind AS Kind, source AS Source, summary AS Summary, url AS Url, raised_by AS RaisedBy, raised_at_ms AS RaisedAtMs";

    public async Task<(ExternalSignal Signal, bool Created)> InsertAsync(long rolloutId, NewSignal signal, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (signal.DedupKey is not null && await FindAsync(connection, rolloutId, signal.DedupKey, cancellationToken) is { } earlier)
        {
            return (earlier, false);
        }

        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO external_signals (rollout_id, kind, source, summary, url, raised_by, raised_at_ms, received_at_ms, dedup_key) " +
                "VALUES (@rolloutId, @kind, @source, @summary, @url, @raisedBy, @raisedAt, @receivedAt, @dedupKey) RETURNING id",
                new
                {
                    rolloutId,
                    kind = signal.Kind,
                    source = signal.Source,
                    summary = signal.Summary,
                    url = signal.Url,
                    raisedBy = signal.RaisedBy,
                    raisedAt = UnixTime.ToMs(signal.RaisedAt),
                    receivedAt = UnixTime.ToMs(signal.ReceivedAt),
                    dedupKey = signal.DedupKey,
                },
                cancellationToken: cancellationToken));
            return (new ExternalSignal(id, signal.Kind, signal.Source, signal.Summary, signal.Url, signal.RaisedBy, UnixTime.AsStored(signal.RaisedAt)), true);
        }
        catch (DbException exception) when (signal.DedupKey is not null && DatabaseErrors.IsUniqueViolation(exception))
        {
            // Two deliveries of one webhook raced: the other stored it.
            return ((await FindAsync(connection, rolloutId, signal.DedupKey, cancellationToken))!, false);
        }
    }

    public async Task<IReadOnlyList<ExternalSignal>> ListAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SignalRow>(new CommandDefinition(
            $"SELECT {Columns} FROM external_signals WHERE rollout_id = @rolloutId ORDER BY raised_at_ms, id", new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSignal()).ToList();
    }

    private static async Task<ExternalSignal?> FindAsync(DbConnection connection, long rolloutId, string dedupKey, CancellationToken cancellationToken)
    {
        var row = await connection.QueryFirstOrDefaultAsync<SignalRow>(new CommandDefinition(
            $"SELECT {Columns} FROM external_signals WHERE rollout_id = @rolloutId AND dedup_key = @dedupKey", new { rolloutId, dedupKey }, cancellationToken: cancellationToken));
        return row?.ToSignal();
    }

    private sealed class SignalRow
    {
        public long Id { get; set; }

        public string Kind { get; set; } = "";

        public string Source { get; set; } = "";

        public string Summary { get; set; } = "";

        public string? Url { get; set; }

        public string RaisedBy { get; set; } = "";

        public long RaisedAtMs { get; set; }

        public ExternalSignal ToSignal() => new(Id, Kind, Source, Summary, Url, RaisedBy, UnixTime.FromMs(RaisedAtMs));
    }
}
