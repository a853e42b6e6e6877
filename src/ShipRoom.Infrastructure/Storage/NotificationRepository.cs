using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Where a post stands: waiting (first try or a retry is due), sent, or given up after its last attempt.</summary>
public static class NotificationStates
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>One post to one channel. <see cref="Payload"/> is exactly the body sent, rendered once when it was queued (for PagerDuty, without the routing key, which is added as it is sent).</summary>
public sealed record NotificationRecord(
    long Id,
    long? RolloutId,
    string EventKey,
    string Channel,
    string Kind,
    string Title,
    string Payload,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset NextAttemptAt);

public sealed record NotificationDraft(long? RolloutId, string EventKey, string Channel, string Kind, string Title, string Payload, DateTimeOffset CreatedAt);

public sealed record NotificationTemplateRecord(string Kind, string Template, string UpdatedBy, DateTimeOffset UpdatedAt);

public interface INotificationRepository
{
    /// <summary>Queues a post; false when this event was already queued for this channel (a post is never sent twice).</summary>
    Task<bool> EnqueueAsync(NotificationDraft draft, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationRecord>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Takes a due post for one attempt: false when another sender took it first.</summary>
    Task<bool> TryClaimAsync(long id, int attempts, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    Task MarkSentAsync(long id, DateTimeOffset sentAt, CancellationToken cancellationToken);

    Task MarkRetryAsync(long id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    Task MarkFailedAsync(long id, string error, CancellationToken cancellationToken);

    /// <summary>A rollout's posts, newest first.</summary>
    Task<IReadOnlyList<NotificationRecord>> ListAsync(long rolloutId, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationTemplateRecord>> ListTemplatesAsync(CancellationToken cancellationToken);

    Task SaveTemplateAsync(NotificationTemplateRecord template, CancellationToken cancellationToken);

    Task DeleteTemplateAsync(string kind, CancellationToken cancellationToken);
}

public sealed class NotificationRepository(IDbConnectionFactory connections) : INotificationRepository
{
    private const string Columns =
        "id AS Id, rollout_id AS RolloutId, event_key AS EventKey, channel AS Channel, kind AS Kind, title AS Title, payload AS Payload, status AS Status, " +
        "attempts AS Attempts, last_error AS LastError, created_at_ms AS CreatedAtMs, sent_at_ms AS SentAtMs, next_attempt_at_ms AS NextAttemptAtMs";

    public async Task<bool> EnqueueAsync(NotificationDraft draft, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO notifications (rollout_id, event_key, channel, kind, title, payload, status, attempts, created_at_ms, next_attempt_at_ms) " +
            "VALUES (@RolloutId, @EventKey, @Channel, @Kind, @Title, @Payload, @status, 0, @at, @at) ON CONFLICT (event_key, channel) DO NOTHING",
            new { draft.RolloutId, draft.EventKey, draft.Channel, draft.Kind, draft.Title, draft.Payload, status = NotificationStates.Pending, at = UnixTime.ToMs(draft.CreatedAt) },
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async Task<IReadOnlyList<NotificationRecord>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM notifications WHERE status = @status AND next_attempt_at_ms <= @now ORDER BY id LIMIT @limit",
            new { status = NotificationStates.Pending, now = UnixTime.ToMs(now), limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<bool> TryClaimAsync(long id, int attempts, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET attempts = attempts + 1, next_attempt_at_ms = @lease WHERE id = @id AND attempts = @attempts AND status = @status",
            new { id, attempts, lease = UnixTime.ToMs(leaseUntil), status = NotificationStates.Pending }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task MarkSentAsync(long id, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET status = @status, sent_at_ms = @at, last_error = NULL WHERE id = @id",
            new { id, status = NotificationStates.Sent, at = UnixTime.ToMs(sentAt) }, cancellationToken: cancellationToken));
    }

    public async Task MarkRetryAsync(long id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET last_error = @error, next_attempt_at_ms = @next WHERE id = @id",
            new { id, error, next = UnixTime.ToMs(nextAttemptAt) }, cancellationToken: cancellationToken));
    }

    public async Task MarkFailedAsync(long id, string error, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET status = @status, last_error = @error WHERE id = @id",
            new { id, error, status = NotificationStates.Failed }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(long rolloutId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM notifications WHERE rollout_id = @rolloutId ORDER BY id DESC LIMIT @limit",
            new { rolloutId, limit = Math.Clamp(limit, 1, 100_000) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<NotificationTemplateRecord>> ListTemplatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, string Template, string UpdatedBy, long UpdatedAtMs)>(new CommandDefinition(
            "SELECT kind, template, updated_by, updated_at_ms FROM notification_templates ORDER BY kind", cancellationToken: cancellationToken));
        return rows.Select(r => new NotificationTemplateRecord(r.Kind, r.Template, r.UpdatedBy, UnixTime.FromMs(r.UpdatedAtMs))).ToList();
    }

    public async Task SaveTemplateAsync(NotificationTemplateRecord template, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO notification_templates (kind, template, updated_by, updated_at_ms) VALUES (@Kind, @Template, @UpdatedBy, @at) " +
            "ON CONFLICT (kind) DO UPDATE SET template = excluded.template, updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms",
            new { template.Kind, template.Template, template.UpdatedBy, at = UnixTime.ToMs(template.UpdatedAt) }, cancellationToken: cancellationToken));
    }

    public async Task DeleteTemplateAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM notification_templates WHERE kind = @kind", new { kind }, cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long? RolloutId { get; set; }
        public string EventKey { get; set; } = "";
        public string Channel { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string Payload { get; set; } = "";
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public string? LastError { get; set; }
        public long CreatedAtMs { get; set; }
        public long? SentAtMs { get; set; }
        public long NextAttemptAtMs { get; set; }

        public NotificationRecord ToRecord() => new(Id, RolloutId, EventKey, Channel, Kind, Title, Payload, Status, (int)Attempts, LastError,
            UnixTime.FromMs(CreatedAtMs), SentAtMs is { } sent ? UnixTime.FromMs(sent) : null, UnixTime.FromMs(NextAttemptAtMs));
    }
}
