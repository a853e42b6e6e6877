using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>What became of one post-success step; <see cref="Sending"/> while an instance holds the claim.</summary>
public static class PostSuccessOutcomes
{
    public const string Sending = "sending";
    public const string Acknowledged = "acknowledged";
    public const string Failed = "failed";

    /// <summary>No deploy system is configured: nothing was sent; carry it out by runbook.</summary>
    public const string RecordedOnly = "recorded-only";

    /// <summary>ShipRoom itself did it (the change freeze recorded, the win note drafted, the review queued).</summary>
    public const string Done = "done";
}

/// <summary>One post-success step of a rollout (a deploy action, the freeze, the win note, the cohort review) and what became of it.</summary>
public sealed record PostSuccessRecord(long RolloutId, string Action, string Outcome, string Detail, int Attempts, DateTimeOffset ClaimedAt, DateTimeOffset? DoneAt);

public interface IPostSuccessRepository
{
    /// <summary>
    /// Claims the step for this caller: a first claim inserts it (once per rollout and action, whatever the instance);
    /// a failed one is claimed again while it has had fewer than <paramref name="maxAttempts"/>, one left sending
    /// (its instance stopped) once its claim is older than <paramref name="staleBefore"/>. False: not this caller's to do.
    /// </summary>
    Task<bool> TryClaimAsync(long rolloutId, string action, DateTimeOffset at, DateTimeOffset staleBefore, int maxAttempts, CancellationToken cancellationToken);

    Task FinishAsync(long rolloutId, string action, string outcome, string detail, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<PostSuccessRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class PostSuccessRepository(IDbConnectionFactory connections) : IPostSuccessRepository
{
    private const int MaxDetail = 2000;

    public async Task<bool> TryClaimAsync(long rolloutId, string action, DateTimeOffset at, DateTimeOffset staleBefore, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO post_success_actions (rollout_id, action, outcome, detail, attempts, claimed_at_ms) VALUES (@rolloutId, @action, @sending, '', 1, @at) " +
            "ON CONFLICT (rollout_id, action) DO NOTHING",
            new { rolloutId, action, sending = PostSuccessOutcomes.Sending, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken));
        if (inserted == 1)
        {
            return true;
        }

        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE post_success_actions SET outcome = @sending, attempts = attempts + 1, claimed_at_ms = @at, done_at_ms = NULL " +
            "WHERE rollout_id = @rolloutId AND action = @action AND ((outcome = @failed AND attempts < @maxAttempts) OR (outcome = @sending AND claimed_at_ms < @stale))",
            new { rolloutId, action, sending = PostSuccessOutcomes.Sending, failed = PostSuccessOutcomes.Failed, maxAttempts, at = UnixTime.ToMs(at), stale = UnixTime.ToMs(staleBefore) },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task FinishAsync(long rolloutId, string action, string outcome, string detail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE post_success_actions SET outcome = @outcome, detail = @detail, done_at_ms = @at WHERE rollout_id = @rolloutId AND action = @action",
            new { rolloutId, action, outcome, detail = detail.Length > MaxDetail ? detail[..MaxDetail] : detail, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PostSuccessRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT rollout_id AS RolloutId, action AS Action, outcome AS Outcome, detail AS Detail, attempts AS Attempts, claimed_at_ms AS ClaimedAtMs, done_at_ms AS DoneAtMs " +
            "FROM post_success_actions WHERE rollout_id = @rolloutId ORDER BY id", new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new PostSuccessRecord(r.RolloutId, r.Action, r.Outcome, r.Detail, (int)r.Attempts, UnixTime.FromMs(r.ClaimedAtMs), r.DoneAtMs is { } d ? UnixTime.FromMs(d) : null)).ToList();
    }

    private sealed class Row
    {
        public long RolloutId { get; set; }
        public string Action { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string Detail { get; set; } = "";
        public long Attempts { get; set; }
        public long ClaimedAtMs { get; set; }
        public long? DoneAtMs { get; set; }
    }
}
