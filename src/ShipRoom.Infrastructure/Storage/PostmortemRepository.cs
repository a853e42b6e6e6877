using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>A rollout's postmortem: the draft ShipRoom wrote, as people have edited it since, and whether it is published.</summary>
public sealed record PostmortemRecord(
    long Id,
    long RolloutId,
    string Cause,
    string Markdown,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    string UpdatedBy,
    DateTimeOffset UpdatedAt,
    string? PublishedBy,
    DateTimeOffset? PublishedAt,
    long Version)
{
    public bool IsPublished => PublishedAt is not null;
}

/// <summary>The kinds of draft ShipRoom writes and people edit and publish: the postmortem and the post-success win note.</summary>
public static class DraftKinds
{
    public const string Postmortem = "postmortem";

    public const string WinNote = "win-note";

    /// <summary>The cohort review after GA: a report ShipRoom writes and publishes itself.</summary>
    public const string CohortReview = "cohort-review";
}

public interface IPostmortemRepository
{
    /// <summary>Stores the first draft; false when the rollout already has one (another instance, an earlier run).</summary>
    Task<bool> CreateAsync(long rolloutId, string cause, string markdown, DateTimeOffset at, DateTimeOffset dueAt, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem);

    Task<PostmortemRecord?> GetAsync(long rolloutId, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem);

    /// <summary>Saves an edit when the caller saw the current version; false when someone saved in between.</summary>
    Task<bool> UpdateAsync(long rolloutId, string markdown, string actor, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem);

    Task<bool> PublishAsync(long rolloutId, string actor, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem);

    /// <summary>Postmortems not yet published, oldest due first.</summary>
    Task<IReadOnlyList<PostmortemRecord>> ListOpenAsync(CancellationToken cancellationToken, string kind = DraftKinds.Postmortem);
}

public sealed class PostmortemRepository(IDbConnectionFactory connections) : IPostmortemRepository
{
    private const string Columns = "id AS Id, rollout_id AS RolloutId, cause AS Cause, markdown AS Markdown, created_at_ms AS CreatedAtMs, due_at_ms AS DueAtMs, " +
        "updated_by AS UpdatedBy, updated_at_ms AS UpdatedAtMs, published_by AS PublishedBy, published_at_ms AS PublishedAtMs, version AS Version";

    public async Task<bool> CreateAsync(long rolloutId, string cause, string markdown, DateTimeOffset at, DateTimeOffset dueAt, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO postmortems (rollout_id, kind, cause, markdown, created_at_ms, due_at_ms, updated_by, updated_at_ms, version) " +
            "VALUES (@rolloutId, @kind, @cause, @markdown, @at, @due, 'ShipRoom (automatic)', @at, 1) ON CONFLICT (rollout_id, kind) DO NOTHING",
            new { rolloutId, kind, cause, markdown, at = UnixTime.ToMs(at), due = UnixTime.ToMs(dueAt) }, cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<PostmortemRecord?> GetAsync(long rolloutId, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM postmortems WHERE rollout_id = @rolloutId AND kind = @kind", new { rolloutId, kind }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<bool> UpdateAsync(long rolloutId, string markdown, string actor, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE postmortems SET markdown = @markdown, updated_by = @actor, updated_at_ms = @at, version = version + 1 WHERE rollout_id = @rolloutId AND kind = @kind AND version = @expectedVersion",
            new { rolloutId, kind, markdown, actor, at = UnixTime.ToMs(at), expectedVersion }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> PublishAsync(long rolloutId, string actor, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE postmortems SET published_by = @actor, published_at_ms = @at, version = version + 1 WHERE rollout_id = @rolloutId AND kind = @kind AND version = @expectedVersion AND published_at_ms IS NULL",
            new { rolloutId, kind, actor, at = UnixTime.ToMs(at), expectedVersion }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<PostmortemRecord>> ListOpenAsync(CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM postmortems WHERE published_at_ms IS NULL AND kind = @kind ORDER BY due_at_ms", new { kind }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long RolloutId { get; set; }
        public string Cause { get; set; } = "";
        public string Markdown { get; set; } = "";
        public long CreatedAtMs { get; set; }
        public long DueAtMs { get; set; }
        public string UpdatedBy { get; set; } = "";
        public long UpdatedAtMs { get; set; }
        public string? PublishedBy { get; set; }
        public long? PublishedAtMs { get; set; }
        public long Version { get; set; }

        public PostmortemRecord ToRecord() => new(Id, RolloutId, Cause, Markdown, UnixTime.FromMs(CreatedAtMs), UnixTime.FromMs(DueAtMs), UpdatedBy, UnixTime.FromMs(UpdatedAtMs),
            PublishedBy, PublishedAtMs is { } p ? UnixTime.FromMs(p) : null, Version);
    }
}
