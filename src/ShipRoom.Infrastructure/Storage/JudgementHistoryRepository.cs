using Dapper;
using HistoryKey = (char Kind, int Phase, string Key);

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
    /// opening a write transaction to find that out, and one that changed something writes its changes without reading
    /// first. On PostgreSQL another instance may have recorded a change since: the last rows are read every time.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, IReadOnlyDictionary<HistoryKey, string>> _recorded = new();

    public async Task<int> RecordChangesAsync(long rolloutId, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers, CancellationToken cancellationToken)
    {
        // A poll's write that may read before it writes, holding SQLite's only write lock meanwhile: commands go first.
        using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
        var holds = connections.Provider == StorageProvider.Sqlite;
        IReadOnlyDictionary<HistoryKey, string>? held = null;
        if (holds && _recorded.TryGetValue(rolloutId, out held) && Unchanged(held, gates, triggers))
        {
            return 0;
        }

        // Whatever happens below, what is held of this rollout may no longer be what storage holds.
        _recorded.TryRemove(rolloutId, out _);
        await using var connection = await connections.OpenAsync(cancellationToken);
        int written;
        IReadOnlyDictionary<HistoryKey, string> last;
        if (held is not null)
        {
            // What is held is what storage holds (this instance is its only writer): the changes go in at once, a
            // statement a table, the 2 reads and the transaction around them not needed (a poll that found gates moving
            // ran 4 statements more than a steady one; it now runs 1 or 2). Should the second fail, nothing is held any
            // more, and the next poll reads what was stored and records the rest.
            last = held;
            written = await InsertGatesAsync(connection, null, rolloutId, Changed(gates, last), cancellationToken)
                + await InsertTriggersAsync(connection, null, rolloutId, Changed(triggers, last), cancellationToken);
        }
        else
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            last = await ReadLastAsync(connection, transaction, rolloutId, cancellationToken);
            written = await InsertGatesAsync(connection, transaction, rolloutId, Changed(gates, last), cancellationToken)
                + await InsertTriggersAsync(connection, transaction, rolloutId, Changed(triggers, last), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (holds)
        {
            if (_recorded.Count >= RecordedRolloutsHeld)
            {
                _recorded.Clear();
            }

            var recorded = new Dictionary<HistoryKey, string>(last);
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

    /// <summary>The last status or state recorded for each gate ('g') and trigger ('t') of the rollout, in each phase.</summary>
    private static async Task<IReadOnlyDictionary<HistoryKey, string>> ReadLastAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        long rolloutId, CancellationToken cancellationToken)
    {
        var last = new Dictionary<HistoryKey, string>();
        foreach (var (phase, key, status) in await connection.QueryAsync<(long Phase, string Key, string Status)>(new CommandDefinition(
                     "SELECT g.phase_index, g.gate_key, g.status FROM gate_results g WHERE g.rollout_id = @rolloutId AND g.id = " +
                     "(SELECT MAX(l.id) FROM gate_results l WHERE l.rollout_id = g.rollout_id AND l.phase_index = g.phase_index AND l.gate_key = g.gate_key)",
                     new { rolloutId }, transaction, cancellationToken: cancellationToken)))
        {
            last[('g', (int)phase, key)] = status;
        }

        foreach (var (phase, key, state) in await connection.QueryAsync<(long Phase, string Key, string State)>(new CommandDefinition(
                     "SELECT t.phase_index, t.trigger_key, t.state FROM trigger_results t WHERE t.rollout_id = @rolloutId AND t.id = " +
                     "(SELECT MAX(l.id) FROM trigger_results l WHERE l.rollout_id = t.rollout_id AND l.phase_index = t.phase_index AND l.trigger_key = t.trigger_key)",
                     new { rolloutId }, transaction, cancellationToken: cancellationToken)))
        {
            last[('t', (int)phase, key)] = state;
        }

        return last;
    }

    private static List<GateResultRecord> Changed(IReadOnlyList<GateResultRecord> gates, IReadOnlyDictionary<HistoryKey, string> last) =>
        gates.Where(g => !last.TryGetValue(('g', g.PhaseIndex, g.GateKey), out var status) || status != g.Status).ToList();

    private static List<TriggerResultRecord> Changed(IReadOnlyList<TriggerResultRecord> triggers, IReadOnlyDictionary<HistoryKey, string> last) =>
        triggers.Where(t => !last.TryGetValue(('t', t.PhaseIndex, t.TriggerKey), out var state) || state != t.State).ToList();

    /// <summary>
    /// Rows of a multi-row INSERT: 7 parameters a gate row, so a statement stays far below SQLite's 32,766 parameters
    /// however many gates a plan has (the parser limits the plan's size, not its count of gates).
    /// </summary>
    private const int RowsPerInsert = 500;

    /// <summary>One statement for the rows (one per <see cref="RowsPerInsert"/>); a call holds one row per gate.</summary>
    private static async Task<int> InsertGatesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, long rolloutId, List<GateResultRecord> gates, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var chunk in gates.Chunk(RowsPerInsert))
        {
            var parameters = new DynamicParameters(new { rolloutId });
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var gate = chunk[i];
                rows.Add($"(@rolloutId, @at{i}, @phase{i}, @key{i}, @status{i}, @canary{i}, @control{i}, @detail{i})");
                parameters.Add($"at{i}", UnixTime.ToMs(gate.At));
                parameters.Add($"phase{i}", gate.PhaseIndex);
                parameters.Add($"key{i}", gate.GateKey);
                parameters.Add($"status{i}", gate.Status);
                parameters.Add($"canary{i}", Finite(gate.Canary), System.Data.DbType.Double);
                parameters.Add($"control{i}", Finite(gate.Control), System.Data.DbType.Double);
                parameters.Add($"detail{i}", gate.Detail, System.Data.DbType.String);
            }

            written += await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO gate_results (rollout_id, evaluated_at_ms, phase_index, gate_key, status, canary_value, control_value, detail) VALUES " + string.Join(", ", rows),
                parameters, transaction, cancellationToken: cancellationToken));
        }

        return written;
    }

    private static async Task<int> InsertTriggersAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, long rolloutId, List<TriggerResultRecord> triggers, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var chunk in triggers.Chunk(RowsPerInsert))
        {
            var parameters = new DynamicParameters(new { rolloutId });
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var trigger = chunk[i];
                rows.Add($"(@rolloutId, @at{i}, @phase{i}, @key{i}, @state{i}, @held{i}, @detail{i})");
                parameters.Add($"at{i}", UnixTime.ToMs(trigger.At));
                parameters.Add($"phase{i}", trigger.PhaseIndex);
                parameters.Add($"key{i}", trigger.TriggerKey);
                parameters.Add($"state{i}", trigger.State);
                parameters.Add($"held{i}", trigger.HeldForSeconds);
                parameters.Add($"detail{i}", trigger.Detail, System.Data.DbType.String);
            }

            written += await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO trigger_results (rollout_id, evaluated_at_ms, phase_index, trigger_key, state, held_for_seconds, detail) VALUES " + string.Join(", ", rows),
                parameters, transaction, cancellationToken: cancellationToken));
        }

        return written;
    }

    private static bool Unchanged(IReadOnlyDictionary<HistoryKey, string> recorded, IReadOnlyList<GateResultRecord> gates, IReadOnlyList<TriggerResultRecord> triggers) =>
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
