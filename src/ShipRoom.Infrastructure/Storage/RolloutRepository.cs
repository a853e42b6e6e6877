using System.Data.Common;
using Dapper;
using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Storage;

public sealed class RolloutRepository(IDbConnectionFactory connections) : IRolloutRepository
{
    /// <summary>Plan texts held by content hash (the live rollouts' plans); beyond it they are all let go and read again when needed.</summary>
    public const int PlanTextsHeld = 256;

    /// <summary>
    /// Every column but the plan's text, added by <see cref="WithPlanTexts"/>: a plan is some 25 KB, the scheduler lists
    /// the live rollouts every tick and each poll reads its rollout, so the live rollouts' plan texts are read once and held.
    /// </summary>
    private const string Columns =
        "id AS Id, name AS Name, version_tag AS VersionTag, commit_sha AS CommitSha, plan_hash AS PlanHash, status AS Status, " +
        "phase_index AS PhaseIndex, phase_started_at_ms AS PhaseStartedAtMs, t0_ms AS T0Ms, metric_source AS MetricSource, source_settings AS SourceSettings, " +
        "time_factor AS TimeFactor, clock_origin_ms AS ClockOriginMs, last_polled_to_ms AS LastPolledToMs, version AS Version, created_by AS CreatedBy, " +
        "created_at_ms AS CreatedAtMs, updated_at_ms AS UpdatedAtMs";

    public async Task<long> CreateAsync(NewRollout rollout, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO rollouts (name, version_tag, commit_sha, plan_yaml, plan_hash, status, phase_index, t0_ms, metric_source, source_settings, time_factor, clock_origin_ms, created_by, created_at_ms, updated_at_ms) " +
            "VALUES (@Name, @VersionTag, @CommitSha, @PlanYaml, @PlanHash, @Status, 0, @T0Ms, @MetricSource, @SourceSettings, @TimeFactor, @ClockOriginMs, @CreatedBy, @CreatedAtMs, @CreatedAtMs) RETURNING id",
            new
            {
                rollout.Name,
                rollout.VersionTag,
                rollout.CommitSha,
                rollout.PlanYaml,
                rollout.PlanHash,
                Status = rollout.Status.ToString(),
                T0Ms = UnixTime.ToMs(rollout.T0),
                rollout.MetricSource,
                rollout.SourceSettings,
                rollout.TimeFactor,
                ClockOriginMs = UnixTime.ToMs(rollout.ClockOrigin),
                rollout.CreatedBy,
                CreatedAtMs = UnixTime.ToMs(rollout.CreatedAt),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<RolloutRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RolloutRow>(new CommandDefinition($"SELECT {Columns} FROM rollouts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : (await WithPlanTexts(connection, [row], hold: true, cancellationToken))[0];
    }

    public async Task<IReadOnlyList<RolloutRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RolloutRow>(new CommandDefinition($"SELECT {Columns} FROM rollouts ORDER BY id DESC", cancellationToken: cancellationToken));
        return await WithPlanTexts(connection, rows.AsList(), hold: false, cancellationToken);
    }

    public async Task<IReadOnlyList<RolloutRecord>> ListLiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var live = new DynamicParameters();
        for (var i = 0; i < LiveStatuses.Length; i++)
        {
            live.Add($"s{i}", LiveStatuses[i]);
        }

        // Written out (Npgsql takes a list parameter as an array, which IN does not accept).
        var rows = await connection.QueryAsync<RolloutRow>(new CommandDefinition(
            $"SELECT {Columns} FROM rollouts WHERE status IN ({string.Join(", ", LiveStatuses.Select((_, i) => $"@s{i}"))}) ORDER BY id DESC", live, cancellationToken: cancellationToken));
        return await WithPlanTexts(connection, rows.AsList(), hold: true, cancellationToken);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _planTexts = new(StringComparer.Ordinal);

    /// <summary>Rows a plan-text read asks for at once (well under either engine's limit on parameters).</summary>
    private const int PlanTextsPerRead = 500;

    /// <summary>
    /// The rows as records with their plans' texts: the held ones by content hash (the text a hash names never changes),
    /// the others read in one query, from the first row of each plan not held. <paramref name="hold"/>: whether what is
    /// read is held. The live rollouts' plans are (the scheduler lists them every tick, each poll reads its rollout); a
    /// listing of every rollout holds none, so it cannot push those out, and reads the others' texts as it always did.
    /// </summary>
    private async Task<IReadOnlyList<RolloutRecord>> WithPlanTexts(DbConnection connection, IReadOnlyList<RolloutRow> rows, bool hold, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!texts.ContainsKey(row.PlanHash) && !missing.ContainsKey(row.PlanHash))
            {
                if (_planTexts.TryGetValue(row.PlanHash, out var held))
                {
                    texts[row.PlanHash] = held;
                }
                else
                {
                    missing[row.PlanHash] = row.Id;
                }
            }
        }

        foreach (var ids in missing.Values.Chunk(PlanTextsPerRead))
        {
            var parameters = new DynamicParameters();
            for (var i = 0; i < ids.Length; i++)
            {
                parameters.Add($"i{i}", ids[i]);
            }

            var read = await connection.QueryAsync<(string Hash, string Text)>(new CommandDefinition(
                $"SELECT plan_hash, plan_yaml FROM rollouts WHERE id IN ({string.Join(", ", ids.Select((_, i) => $"@i{i}"))})", parameters, cancellationToken: cancellationToken));
            foreach (var (hash, text) in read)
            {
                texts[hash] = text;
                if (hold)
                {
                    if (_planTexts.Count >= PlanTextsHeld)
                    {
                        _planTexts.Clear();
                    }

                    _planTexts[hash] = text;
                }
            }
        }

        var records = new RolloutRecord[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            records[i] = rows[i].ToRecord(texts[rows[i].PlanHash]);
        }

        return records;
    }

    private static readonly string[] LiveStatuses = Enum.GetValues<RolloutStatus>().Where(RolloutStateMachine.IsLive).Select(s => s.ToString()).ToArray();

    public async Task<bool> TryChangeStateAsync(long id, long expectedVersion, RolloutStateChange change, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rollouts SET status = @status, phase_index = @phaseIndex, phase_started_at_ms = @phaseStartedAt, updated_at_ms = @updatedAt, version = version + 1 " +
            "WHERE id = @id AND version = @expectedVersion",
            new { id, expectedVersion, status = change.Status.ToString(), phaseIndex = change.PhaseIndex, phaseStartedAt = UnixTime.ToMs(change.PhaseStartedAt), updatedAt = UnixTime.ToMs(change.UpdatedAt) },
            cancellationToken: cancellationToken));
        return updated == 1;
    }

    public async Task RecordPhaseStartAsync(long id, int phaseIndex, string name, double trafficPercent, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var at = UnixTime.ToMs(startedAt);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rollout_phases SET ended_at_ms = @at WHERE rollout_id = @id AND phase_index <> @phaseIndex AND ended_at_ms IS NULL",
            new { id, phaseIndex, at }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO rollout_phases (rollout_id, phase_index, name, traffic_share, started_at_ms) VALUES (@id, @phaseIndex, @name, @trafficPercent, @at) " +
            "ON CONFLICT (rollout_id, phase_index) DO UPDATE SET started_at_ms = excluded.started_at_ms, ended_at_ms = NULL",
            new { id, phaseIndex, name, trafficPercent, at }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PhaseRow>(new CommandDefinition(
            "SELECT phase_index AS PhaseIndex, name AS Name, traffic_share AS TrafficShare, started_at_ms AS StartedAtMs, ended_at_ms AS EndedAtMs FROM rollout_phases WHERE rollout_id = @id ORDER BY phase_index",
            new { id }, cancellationToken: cancellationToken));
        return rows.Select(r => new PhaseRecord((int)r.PhaseIndex, r.Name, r.TrafficShare, UnixTime.FromMs(r.StartedAtMs), UnixTime.FromMs(r.EndedAtMs))).ToList();
    }

    private sealed class PhaseRow
    {
        public long PhaseIndex { get; set; }
        public string Name { get; set; } = "";
        public double TrafficShare { get; set; }
        public long? StartedAtMs { get; set; }
        public long? EndedAtMs { get; set; }
    }

    private sealed class RolloutRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string VersionTag { get; set; } = "";
        public string CommitSha { get; set; } = "";
        public string PlanHash { get; set; } = "";
        public string Status { get; set; } = "";
        public long PhaseIndex { get; set; }
        public long? PhaseStartedAtMs { get; set; }
        public long? T0Ms { get; set; }
        public string MetricSource { get; set; } = "";
        public string SourceSettings { get; set; } = "";
        public double TimeFactor { get; set; }
        public long? ClockOriginMs { get; set; }
        public long? LastPolledToMs { get; set; }
        public long Version { get; set; }
        public string CreatedBy { get; set; } = "";
        public long CreatedAtMs { get; set; }
        public long UpdatedAtMs { get; set; }

        public RolloutRecord ToRecord(string planYaml) => new(Id, Name, VersionTag, CommitSha, planYaml, PlanHash, Enum.Parse<RolloutStatus>(Status), (int)PhaseIndex,
            UnixTime.FromMs(PhaseStartedAtMs), UnixTime.FromMs(T0Ms), MetricSource, SourceSettings, TimeFactor, UnixTime.FromMs(ClockOriginMs),
            UnixTime.FromMs(LastPolledToMs), Version, CreatedBy, UnixTime.FromMs(CreatedAtMs), UnixTime.FromMs(UpdatedAtMs));
    }
}
