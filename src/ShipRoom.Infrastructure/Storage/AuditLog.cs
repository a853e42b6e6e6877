using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// The hash-chained audit trail. Appends are serialised (an advisory transaction lock on PostgreSQL, BEGIN IMMEDIATE on
/// SQLite) so entries written at once by several instances still form one chain.
/// </summary>
public sealed class AuditLog(IDbConnectionFactory connections) : IAuditLog
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const long PostgresAppendLock = 7_474_850_002_002;

    private const string Columns =
        "sequence AS Sequence, at_ms AS AtMs, actor AS Actor, kind AS Kind, rollout_id AS RolloutId, summary AS Summary, " +
        "before_value AS BeforeValue, after_value AS AfterValue, reason AS Reason, previous_hash AS PreviousHash, hash AS Hash";

    public async Task<AuditEntry> AppendAsync(AuditEntryDraft draft, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (connections.Provider == StorageProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = PostgresAppendLock }, transaction, cancellationToken: cancellationToken));
        }

        var last = await connection.QueryFirstOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT sequence AS Sequence, hash AS Hash FROM audit_log ORDER BY sequence DESC LIMIT 1", transaction: transaction, cancellationToken: cancellationToken));
        var sequence = (last?.Sequence ?? 0) + 1;
        var previousHash = last?.Hash ?? GenesisHash;
        var atMs = UnixTime.ToMs(draft.At);
        var hash = ComputeHash(previousHash, sequence, atMs, draft.Actor, draft.Kind, draft.RolloutId, draft.Summary, draft.Before, draft.After, draft.Reason);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (sequence, at_ms, actor, kind, rollout_id, summary, before_value, after_value, reason, previous_hash, hash) " +
            "VALUES (@sequence, @atMs, @actor, @kind, @rolloutId, @summary, @before, @after, @reason, @previousHash, @hash)",
            new { sequence, atMs, actor = draft.Actor, kind = draft.Kind, rolloutId = draft.RolloutId, summary = draft.Summary, before = draft.Before, after = draft.After, reason = draft.Reason, previousHash, hash },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new AuditEntry(sequence, UnixTime.FromMs(atMs), draft.Actor, draft.Kind, draft.RolloutId, draft.Summary, draft.Before, draft.After, draft.Reason, previousHash, hash);
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (query.RolloutId is not null)
        {
            where.Add("rollout_id = @RolloutId");
        }

        if (query.Actor is not null)
        {
            where.Add("actor = @Actor");
        }

        if (query.Kind is not null)
        {
            where.Add("kind = @Kind");
        }

        if (query.From is not null)
        {
            where.Add("at_ms >= @FromMs");
        }

        if (query.To is not null)
        {
            where.Add("at_ms < @ToMs");
        }

        if (!query.IncludeSignIns)
        {
            where.Add("kind NOT LIKE @SignInPattern");
        }

        var sql = $"SELECT {Columns} FROM audit_log{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")} ORDER BY sequence DESC LIMIT @Limit";
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(sql, new
        {
            query.RolloutId,
            query.Actor,
            query.Kind,
            FromMs = UnixTime.ToMs(query.From),
            ToMs = UnixTime.ToMs(query.To),
            Limit = Math.Clamp(query.Limit, 1, 10_000),
            SignInPattern = AuditKinds.SignInPrefix + "%",
        }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }

    public async Task<AuditChainVerification> VerifyChainAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var previousHash = GenesisHash;
        long expectedSequence = 1;
        long checkedCount = 0;
        const int page = 1000;
        while (true)
        {
            var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
                $"SELECT {Columns} FROM audit_log WHERE sequence >= @from ORDER BY sequence LIMIT {page}", new { from = expectedSequence }, cancellationToken: cancellationToken))).ToList();
            foreach (var row in rows)
            {
                if (row.Sequence != expectedSequence)
                {
                    return new AuditChainVerification(false, checkedCount, expectedSequence, $"entry {expectedSequence} is missing");
                }

                if (row.PreviousHash != previousHash)
                {
                    return new AuditChainVerification(false, checkedCount, row.Sequence, $"entry {row.Sequence} does not point at the hash of entry {row.Sequence - 1}");
                }

                var recomputed = ComputeHash(row.PreviousHash, row.Sequence, row.AtMs, row.Actor, row.Kind, row.RolloutId, row.Summary, row.BeforeValue, row.AfterValue, row.Reason);
                if (recomputed != row.Hash)
                {
                    return new AuditChainVerification(false, checkedCount, row.Sequence, $"entry {row.Sequence} was changed after it was written");
                }

                previousHash = row.Hash;
                expectedSequence++;
                checkedCount++;
            }

            if (rows.Count < page)
            {
                return new AuditChainVerification(true, checkedCount, null, null);
            }
        }
    }

    /// <summary>SHA-256 over the previous hash and every field, each length-prefixed so no two entries encode alike.</summary>
    internal static string ComputeHash(string previousHash, long sequence, long atMs, string actor, string kind, long? rolloutId, string summary, string? before, string? after, string? reason)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     previousHash, sequence.ToString(CultureInfo.InvariantCulture), atMs.ToString(CultureInfo.InvariantCulture), actor, kind,
                     rolloutId?.ToString(CultureInfo.InvariantCulture), summary, before, after, reason,
                 })
        {
            // A null and an empty string must hash differently.
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed class ChainHead
    {
        public long Sequence { get; set; }
        public string Hash { get; set; } = "";
    }

    private sealed class AuditRow
    {
        public long Sequence { get; set; }
        public long AtMs { get; set; }
        public string Actor { get; set; } = "";
        public string Kind { get; set; } = "";
        public long? RolloutId { get; set; }
        public string Summary { get; set; } = "";
        public string? BeforeValue { get; set; }
        public string? AfterValue { get; set; }
        public string? Reason { get; set; }
        public string PreviousHash { get; set; } = "";
        public string Hash { get; set; } = "";

        public AuditEntry ToEntry() => new(Sequence, UnixTime.FromMs(AtMs), Actor, Kind, RolloutId, Summary, BeforeValue, AfterValue, Reason, PreviousHash, Hash);
    }
}
