using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>A gate's status from <see cref="At"/> on, within one phase, with the values that decided it.</summary>
public sealed record GateResultRecord(DateTimeOffset At, int PhaseIndex, string GateKey, string Status, double? Canary, double? Control, string? Detail);

/// <summary>A trigger's state from <see cref="At"/> on, within one phase, and how long its condition had held.</summary>
public sealed record TriggerResultRecord(DateTimeOffset At, int PhaseIndex, string TriggerKey, string State, int HeldForSeconds, string? Detail);

/// <summary>
/// The history of every gate and trigger for audit and the scorecard. Only changes are kept: a row is written when a
/// gate's status or a trigger's state differs from the last one recorded for it in the same phase.
/// </summary>
public interface IJudgementHistoryRepository
{
    Task<int> RecordChangesAsync(long rolloutId, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers, CancellationToken cancellationToken);

    Task<IReadOnlyList<GateResultRecord>> ListGatesAsync(long rolloutId, CancellationToken cancellationToken);

    Task<IReadOnlyList<TriggerResultRecord>> ListTriggersAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class JudgementHistoryRepository(IDbConnectionFactory connections) : IJudgementHistoryRepository
{
    public async Task<int> RecordChangesAsync(long rolloutId, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers, CancellationToken cancellationToken)
    {
        // A poll's write that reads before it writes, holding SQLite's only write lock meanwhile: commands go first.
        using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lastGate = (await connection.QueryAsync<(long Phase, string Key, string Status)>(new CommandDefinition(
                "SELECT g.phase_index, g.gate_key, g.status FROM gate_results g WHERE g.rollout_id = @rolloutId AND g.id = " +
                "(SELECT MAX(l.id) FROM gate_results l WHERE l.rollout_id = g.rollout_id AND l.phase_index = g.phase_index AND l.gate_key = g.gate_key)",
                new { rolloutId }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => ((int)r.Phase, r.Key), r => r.Status);
        var lastTrigger = (await connection.QueryAsync<(long Phase, string Key, string State)>(new CommandDefinition(
                "SELECT t.phase_index, t.trigger_key, t.state FROM trigger_results t WHERE t.rollout_id = @rolloutId AND t.id = " +
                "(SELECT MAX(l.id) FROM trigger_results l WHERE l.rollout_id = t.rollout_id AND l.phase_index = t.phase_index AND l.trigger_key = t.trigger_key)",
                new { rolloutId }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => ((int)r.Phase, r.Key), r => r.State);

        var written = 0;
        foreach (var gate in gates.Where(g => !lastGate.TryGetValue((g.PhaseIndex, g.GateKey), out var status) || status != g.Status))
        {
            written += await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO gate_results (rollout_id, evaluated_at_ms, phase_index, gate_key, status, canary_value, control_value, detail) VALUES (@rolloutId, @at, @PhaseIndex, @GateKey, @Status, @Canary, @Control, @Detail)",
                new { rolloutId, at = UnixTime.ToMs(gate.At), gate.PhaseIndex, gate.GateKey, gate.Status, Canary = Finite(gate.Canary), Control = Finite(gate.Control), gate.Detail },
                transaction, cancellationToken: cancellationToken));
        }

        foreach (var trigger in triggers.Where(t => !lastTrigger.TryGetValue((t.PhaseIndex, t.TriggerKey), out var state) || state != t.State))
        {
            written += await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO trigger_results (rollout_id, evaluated_at_ms, phase_index, trigger_key, state, held_for_seconds, detail) VALUES (@rolloutId, @at, @PhaseIndex, @TriggerKey, @State, @HeldForSeconds, @Detail)",
                new { rolloutId, at = UnixTime.ToMs(trigger.At), trigger.PhaseIndex, trigger.TriggerKey, trigger.State, trigger.HeldForSeconds, trigger.Detail },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<IReadOnlyList<GateResultRecord>> ListGatesAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long AtMs, long Phase, string Key, string Status, double? Canary, double? Control, string? Detail)>(new CommandDefinition(
            "SELECT evaluated_at_ms, phase_index, gate_key, status, canary_value, control_value, detail FROM gate_results WHERE rollout_id = @rolloutId ORDER BY id",
            new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new GateResultRecord(UnixTime.FromMs(r.AtMs), (int)r.Phase, r.Key, r.Status, r.Canary, r.Control, r.Detail)).ToList();
    }

    public async Task<IReadOnlyList<TriggerResultRecord>> ListTriggersAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long AtMs, long Phase, string Key, string State, long Held, string? Detail)>(new CommandDefinition(
            "SELECT evaluated_at_ms, phase_index, trigger_key, state, held_for_seconds, detail FROM trigger_results WHERE rollout_id = @rolloutId ORDER BY id",
            new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new TriggerResultRecord(UnixTime.FromMs(r.AtMs), (int)r.Phase, r.Key, r.State, (int)r.Held, r.Detail)).ToList();
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
