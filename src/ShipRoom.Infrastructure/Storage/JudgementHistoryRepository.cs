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
    /// <summary>Rollouts whose last recorded states are held; beyond it they are all let go (they are read again when needed).</summary>
    public const int RecordedRolloutsHeld = 1_000;

    /// <summary>
    /// Per rollout, the last status or state recorded for each gate and trigger in each phase, as this instance last
    /// read and wrote them. Held on SQLite only, where this instance is the only writer and its writes take turns, so
    /// it is what storage holds: a poll whose judgement changed nothing (most polls) then records nothing without
    /// opening a write transaction to find that out. On PostgreSQL another instance may have recorded a change since:
    /// the last rows are read every time.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, IReadOnlyDictionary<(char Kind, int Phase, string Key), string>> _recorded = new();

    public async Task<int> RecordChangesAsync(long rolloutId, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers, CancellationToken cancellationToken)
    {
        // A poll's write that reads before it writes, holding SQLite's only write lock meanwhile: commands go first.
        using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
        var holds = connections.Provider == StorageProvider.Sqlite;
        if (holds && _recorded.TryGetValue(rolloutId, out var held) && Unchanged(held, gates, triggers))
        {
            return 0;
        }

        // Whatever happens below, what is held of this rollout may no longer be what storage holds.
        _recorded.TryRemove(rolloutId, out _);
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
        if (holds)
        {
            if (_recorded.Count >= RecordedRolloutsHeld)
            {
                _recorded.Clear();
            }

            var recorded = new Dictionary<(char Kind, int Phase, string Key), string>();
            foreach (var ((phase, key), status) in lastGate)
            {
                recorded[('g', phase, key)] = status;
            }

            foreach (var ((phase, key), state) in lastTrigger)
            {
                recorded[('t', phase, key)] = state;
            }

            foreach (var gate in gates)
            {
                recorded[('g', gate.PhaseIndex, gate.GateKey)] = gate.Status;
            }

            foreach (var trigger in triggers)
            {
                recorded[('t', trigger.PhaseIndex, trigger.TriggerKey)] = trigger.State;
            }

            _recorded[rolloutId] = recorded;
        }

        return written;
    }

    private static bool Unchanged(IReadOnlyDictionary<(char Kind, int Phase, string Key), string> recorded, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers) =>
        gates.All(g => recorded.TryGetValue(('g', g.PhaseIndex, g.GateKey), out var status) && status == g.Status)
        && triggers.All(t => recorded.TryGetValue(('t', t.PhaseIndex, t.TriggerKey), out var state) && state == t.State);

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
