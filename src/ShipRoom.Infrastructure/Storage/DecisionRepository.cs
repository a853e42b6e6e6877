using System.Data.Common;
using Dapper;
using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Storage;

public sealed class DecisionRepository(IDbConnectionFactory connections) : IDecisionRepository
{
    private const string Columns =
        "id AS Id, rollout_id AS RolloutId, kind AS Kind, actor AS Actor, reason AS Reason, idempotency_key AS IdempotencyKey, requested_at_ms AS RequestedAtMs, " +
        "executed_at_ms AS ExecutedAtMs, acknowledged_at_ms AS AcknowledgedAtMs, outcome AS Outcome, error AS Error, from_status AS FromStatus, to_status AS ToStatus, detail AS Detail, " +
        "approved_phase_index AS ApprovedPhase, approved_role AS ApprovedRole, resumed_at_ms AS ResumedAtMs, completed_at_ms AS CompletedAtMs, completion_signature AS CompletionSignature, caps_lifted_at_ms AS CapsLiftedAtMs";

    public async Task<(DecisionRecord Decision, bool Created)> RecordAsync(DecisionDraft draft, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // A key can be released between our failed insert and our read (a concurrent command was refused): then it is free, try again.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // The row as stored comes back with the insert: one round trip before a command's deploy call, not two.
                var created = await connection.QuerySingleAsync<DecisionRow>(new CommandDefinition(
                    "INSERT INTO decisions (rollout_id, kind, actor, reason, idempotency_key, requested_at_ms, outcome, from_status, to_status, detail) " +
                    $"VALUES (@RolloutId, @Kind, @Actor, @Reason, @IdempotencyKey, @RequestedAtMs, @Outcome, @FromStatus, @ToStatus, @Detail) RETURNING {Columns}",
                    new { draft.RolloutId, Kind = draft.Kind.Key(), draft.Actor, draft.Reason, draft.IdempotencyKey, RequestedAtMs = UnixTime.ToMs(draft.RequestedAt), Outcome = draft.Outcome.ToString(), draft.FromStatus, draft.ToStatus, draft.Detail },
                    cancellationToken: cancellationToken));
                return (created.ToRecord(), true);
            }
            catch (DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
            {
                var existing = await connection.QuerySingleOrDefaultAsync<DecisionRow>(new CommandDefinition(
                    $"SELECT {Columns} FROM decisions WHERE idempotency_key = @key", new { key = draft.IdempotencyKey }, cancellationToken: cancellationToken));
                if (existing is not null)
                {
                    return (existing.ToRecord(), false);
                }

                if (attempt >= 3)
                {
                    throw;
                }
            }
        }
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListPendingAsync(DateTimeOffset requestedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DecisionRow>(new CommandDefinition(
            $"SELECT {Columns} FROM decisions WHERE outcome = @pending AND requested_at_ms < @before ORDER BY requested_at_ms LIMIT @limit",
            new { pending = nameof(DecisionOutcome.Pending), before = UnixTime.ToMs(requestedBefore), limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<bool> TryClaimRecoveryAsync(long id, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE decisions SET recovery_at_ms = @now WHERE id = @id AND outcome = @pending AND (recovery_at_ms IS NULL OR recovery_at_ms < @stale)",
            new { id, now = UnixTime.ToMs(now), stale = UnixTime.ToMs(staleBefore), pending = nameof(DecisionOutcome.Pending) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> SetCompletedAsync(long id, DateTimeOffset completedAt, string? detail, string? signature, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE decisions SET completed_at_ms = @completed, detail = COALESCE(@detail, detail), completion_signature = @signature WHERE id = @id AND completed_at_ms IS NULL",
                new { id, completed = UnixTime.ToMs(completedAt), detail, signature }, cancellationToken: cancellationToken)) == 1;
        }
        catch (DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            // The same signature recorded a completion already (it can only be this decision's): not a second completion.
            return false;
        }
    }

    public async Task<bool> SetPaymentCapsLiftedAsync(long id, DateTimeOffset liftedAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE decisions SET caps_lifted_at_ms = @lifted WHERE id = @id AND caps_lifted_at_ms IS NULL",
            new { id, lifted = UnixTime.ToMs(liftedAt) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task UpdateOutcomeAsync(long id, DecisionUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE decisions SET outcome = @Outcome, executed_at_ms = @ExecutedAtMs, acknowledged_at_ms = @AcknowledgedAtMs, error = @Error, detail = COALESCE(@Detail, detail), " +
            "to_status = COALESCE(@ToStatus, to_status), approved_phase_index = COALESCE(@ApprovedPhase, approved_phase_index), approved_role = COALESCE(@ApprovedRole, approved_role), resumed_at_ms = COALESCE(@ResumedAtMs, resumed_at_ms) WHERE id = @id",
            new
            {
                id, Outcome = update.Outcome.ToString(), ExecutedAtMs = UnixTime.ToMs(update.ExecutedAt), AcknowledgedAtMs = UnixTime.ToMs(update.AcknowledgedAt), update.Error, update.Detail,
                update.ToStatus, update.ApprovedPhase, update.ApprovedRole, ResumedAtMs = UnixTime.ToMs(update.ResumedAt),
            },
            cancellationToken: cancellationToken));
    }

    public async Task ReleaseIdempotencyKeyAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE decisions SET idempotency_key = idempotency_key || ':released:' || CAST(id AS TEXT) WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<DecisionRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DecisionRow>(new CommandDefinition($"SELECT {Columns} FROM decisions WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListAsync(long rolloutId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DecisionRow>(new CommandDefinition(
            $"SELECT {Columns} FROM decisions WHERE rollout_id = @rolloutId ORDER BY id DESC LIMIT @limit", new { rolloutId, limit = Math.Clamp(limit, 1, 10_000) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private sealed class DecisionRow
    {
        public long Id { get; set; }
        public long RolloutId { get; set; }
        public string Kind { get; set; } = "";
        public string Actor { get; set; } = "";
        public string? Reason { get; set; }
        public string IdempotencyKey { get; set; } = "";
        public long RequestedAtMs { get; set; }
        public long? ExecutedAtMs { get; set; }
        public long? AcknowledgedAtMs { get; set; }
        public string Outcome { get; set; } = "";
        public string? Error { get; set; }
        public string? FromStatus { get; set; }
        public string? ToStatus { get; set; }
        public string? Detail { get; set; }
        public long? ApprovedPhase { get; set; }
        public string? ApprovedRole { get; set; }
        public long? ResumedAtMs { get; set; }
        public long? CompletedAtMs { get; set; }
        public string? CompletionSignature { get; set; }
        public long? CapsLiftedAtMs { get; set; }

        public DecisionRecord ToRecord() => new(Id, RolloutId,
            RolloutCommands.TryParse(Kind, out var kind) ? kind : throw new InvalidDataException($"decision {Id} has an unknown kind '{Kind}'"), Actor, Reason, IdempotencyKey,
            UnixTime.FromMs(RequestedAtMs), UnixTime.FromMs(ExecutedAtMs), UnixTime.FromMs(AcknowledgedAtMs),
            Enum.TryParse<DecisionOutcome>(Outcome, out var outcome) ? outcome : throw new InvalidDataException($"decision {Id} has an unknown outcome '{Outcome}'"),
            Error, FromStatus, ToStatus, Detail)
        {
            ApprovedPhase = ApprovedPhase is { } phase ? (int)phase : null,
            ApprovedRole = ApprovedRole,
            ResumedAt = UnixTime.FromMs(ResumedAtMs),
            CompletedAt = UnixTime.FromMs(CompletedAtMs),
            CompletionSignature = CompletionSignature,
            PaymentCapsLiftedAt = UnixTime.FromMs(CapsLiftedAtMs),
        };
    }
}
