using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// The kinds of window in which nobody deploys without the executive: a live canary's lock and the freeze after GA
/// (derived from a rollout), and a freeze a person declared (no rollout).
/// </summary>
public static class FreezeKinds
{
    /// <summary>The infra lock a rollout holds from the moment its canary goes live until it completes or rolls back.</summary>
    public const string InfraLock = "infra-lock";

    /// <summary>The non-critical change freeze after a rollout completes at 100%, as long as the plan's <c>settings.changeFreeze</c>.</summary>
    public const string ChangeFreeze = "change-freeze";

    /// <summary>A freeze a person declared for a fixed time (a launch weekend, an audit, a holiday), lifted early only by a person.</summary>
    public const string Declared = "declared";

    public static string Display(string kind) => kind switch
    {
        InfraLock => "Infra lock",
        ChangeFreeze => "Change freeze",
        Declared => "Deploy freeze",
        _ => kind,
    };
}

/// <summary>
/// One lock or freeze: who owns it, why, from when, until when (null: until the rollout completes or rolls back).
/// <see cref="RolloutId"/> is null for a declared freeze; a lifted one ends when it was lifted and says who lifted it and why.
/// </summary>
public sealed record FreezeRecord(long Id, long? RolloutId, string Kind, string Owner, string Reason, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public string? LiftedBy { get; init; }

    public DateTimeOffset? LiftedAt { get; init; }

    public string? LiftReason { get; init; }

    public bool IsActiveAt(DateTimeOffset at) => StartsAt <= at && (EndsAt is null || EndsAt > at);
}

public interface IFreezeRepository
{
    /// <summary>Records a window once per rollout and kind; false when it is already recorded (another instance, an earlier pass).</summary>
    Task<bool> AddAsync(long rolloutId, string kind, string owner, string reason, DateTimeOffset startsAt, DateTimeOffset? endsAt, CancellationToken cancellationToken);

    /// <summary>Ends an open-ended window (a lock) at <paramref name="at"/>; false when it has no open window of that kind.</summary>
    Task<bool> EndAsync(long rolloutId, string kind, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records a freeze a person declared; the stored row, with its id.</summary>
    Task<FreezeRecord> DeclareAsync(string owner, string reason, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken cancellationToken);

    Task<FreezeRecord?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a declared freeze at <paramref name="at"/> (one not begun yet ends at its start, so it never opens) and records
    /// who lifted it and why; false when it is not a declared freeze, was lifted already or is over by then.
    /// </summary>
    Task<bool> LiftAsync(long id, string liftedBy, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Windows still open or that started since <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<FreezeRecord>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

public sealed class FreezeRepository(IDbConnectionFactory connections) : IFreezeRepository
{
    private const string Columns = "id AS Id, rollout_id AS RolloutId, kind AS Kind, owner AS Owner, reason AS Reason, starts_at_ms AS StartsAtMs, ends_at_ms AS EndsAtMs, " +
        "lifted_by AS LiftedBy, lifted_at_ms AS LiftedAtMs, lift_reason AS LiftReason";

    public async Task<bool> AddAsync(long rolloutId, string kind, string owner, string reason, DateTimeOffset startsAt, DateTimeOffset? endsAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO freezes (rollout_id, kind, owner, reason, starts_at_ms, ends_at_ms) VALUES (@rolloutId, @kind, @owner, @reason, @starts, @ends) ON CONFLICT (rollout_id, kind) DO NOTHING",
            new { rolloutId, kind, owner, reason, starts = UnixTime.ToMs(startsAt), ends = endsAt is { } e ? UnixTime.ToMs(e) : (long?)null }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> EndAsync(long rolloutId, string kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE freezes SET ends_at_ms = @at WHERE rollout_id = @rolloutId AND kind = @kind AND ends_at_ms IS NULL",
            new { rolloutId, kind, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<FreezeRecord> DeclareAsync(string owner, string reason, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO freezes (rollout_id, kind, owner, reason, starts_at_ms, ends_at_ms) VALUES (NULL, @kind, @owner, @reason, @starts, @ends) RETURNING id",
            new { kind = FreezeKinds.Declared, owner, reason, starts = UnixTime.ToMs(startsAt), ends = UnixTime.ToMs(endsAt) }, cancellationToken: cancellationToken));
        return (await GetAsync(id, cancellationToken))!;
    }

    public async Task<FreezeRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM freezes WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<bool> LiftAsync(long id, string liftedBy, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // One statement: two people lifting at once, or on two instances, lift it once.
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE freezes SET ends_at_ms = CASE WHEN starts_at_ms > @at THEN starts_at_ms ELSE @at END, lifted_by = @liftedBy, lifted_at_ms = @at, lift_reason = @reason " +
            "WHERE id = @id AND kind = @kind AND lifted_at_ms IS NULL AND ends_at_ms > @at",
            new { id, kind = FreezeKinds.Declared, liftedBy, reason, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<FreezeRecord>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM freezes WHERE ends_at_ms IS NULL OR ends_at_ms >= @since OR starts_at_ms >= @since ORDER BY starts_at_ms, id",
            new { since = UnixTime.ToMs(since) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long? RolloutId { get; set; }
        public string Kind { get; set; } = "";
        public string Owner { get; set; } = "";
        public string Reason { get; set; } = "";
        public long StartsAtMs { get; set; }
        public long? EndsAtMs { get; set; }
        public string? LiftedBy { get; set; }
        public long? LiftedAtMs { get; set; }
        public string? LiftReason { get; set; }

        public FreezeRecord ToRecord() => new(Id, RolloutId, Kind, Owner, Reason, UnixTime.FromMs(StartsAtMs), EndsAtMs is { } e ? UnixTime.FromMs(e) : null)
        {
            LiftedBy = LiftedBy,
            LiftedAt = LiftedAtMs is { } l ? UnixTime.FromMs(l) : null,
            LiftReason = LiftReason,
        };
    }
}
