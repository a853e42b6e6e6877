using Dapper;

namespace ShipRoom.Infrastructure.Storage;

public sealed class PollRunRepository(IDbConnectionFactory connections) : IPollRunRepository
{
    public async Task<long> StartAsync(long rolloutId, DateTimeOffset startedAt, DateTimeOffset rangeFrom, DateTimeOffset rangeTo, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO poll_runs (rollout_id, started_at_ms, range_from_ms, range_to_ms, status) VALUES (@rolloutId, @startedAt, @rangeFrom, @rangeTo, @status) RETURNING id",
                new { rolloutId, startedAt = UnixTime.ToMs(startedAt), rangeFrom = UnixTime.ToMs(rangeFrom), rangeTo = UnixTime.ToMs(rangeTo), status = nameof(PollRunStatus.Running) },
                cancellationToken: cancellationToken));
        }
        catch (System.Data.Common.DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            throw new DuplicateKeyException($"rollout {rolloutId} is already being polled for this range", exception);
        }
    }

    public async Task FinishAsync(long id, DateTimeOffset finishedAt, PollRunStatus status, int samples, string? problems, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE poll_runs SET finished_at_ms = @finishedAt, status = @status, samples = @samples, problems = @problems WHERE id = @id",
            new { id, finishedAt = UnixTime.ToMs(finishedAt), status = status.ToString(), samples, problems },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PollRunRecord>> ListRecentAsync(long rolloutId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PollRunRow>(new CommandDefinition(
            "SELECT id AS Id, rollout_id AS RolloutId, started_at_ms AS StartedAtMs, finished_at_ms AS FinishedAtMs, range_from_ms AS RangeFromMs, range_to_ms AS RangeToMs, " +
            "status AS Status, samples AS Samples, problems AS Problems FROM poll_runs WHERE rollout_id = @rolloutId ORDER BY id DESC LIMIT @limit",
            new { rolloutId, limit = Math.Clamp(limit, 1, 1000) },
            cancellationToken: cancellationToken));
        return rows.Select(r => new PollRunRecord(r.Id, r.RolloutId, UnixTime.FromMs(r.StartedAtMs), UnixTime.FromMs(r.FinishedAtMs), UnixTime.FromMs(r.RangeFromMs),
            UnixTime.FromMs(r.RangeToMs), Enum.Parse<PollRunStatus>(r.Status), (int)r.Samples, r.Problems)).ToList();
    }

    public async Task<int> CloseAbandonedAsync(DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE poll_runs SET status = @failed, finished_at_ms = @now, problems = @why WHERE status = @running AND started_at_ms < @before",
            new
            {
                failed = nameof(PollRunStatus.Failed), running = nameof(PollRunStatus.Running), now = UnixTime.ToMs(now), before = UnixTime.ToMs(startedBefore),
                why = "abandoned: the instance stopped before this poll finished; the next poll read the range again",
            },
            cancellationToken: cancellationToken));
    }

    private sealed class PollRunRow
    {
        public long Id { get; set; }
        public long RolloutId { get; set; }
        public long StartedAtMs { get; set; }
        public long? FinishedAtMs { get; set; }
        public long RangeFromMs { get; set; }
        public long RangeToMs { get; set; }
        public string Status { get; set; } = "";
        public long Samples { get; set; }
        public string? Problems { get; set; }
    }
}
