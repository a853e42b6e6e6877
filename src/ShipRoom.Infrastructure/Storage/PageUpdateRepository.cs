using System.Data.Common;
using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// One event the paging tool reported on a ShipRoom page: acknowledged, resolved, escalated … by whom (the paging
/// tool's name for the person), when, and a link to the incident there.
/// </summary>
public sealed record PageUpdate(long RolloutId, string DedupKey, string Cause, string EventId, string EventType, string? Agent, string? IncidentUrl, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt)
{
    /// <summary>The page's state after this event: <c>incident.acknowledged</c> → <c>acknowledged</c>.</summary>
    public string State => StateOf(EventType);

    public static string StateOf(string eventType) => eventType.StartsWith("incident.", StringComparison.Ordinal) ? eventType["incident.".Length..] : eventType;
}

public interface IPageUpdateRepository
{
    /// <summary>Stores the event; false when an event with the same id was stored before (a redelivered webhook).</summary>
    Task<bool> InsertAsync(PageUpdate update, CancellationToken cancellationToken);

    /// <summary>The newest event of each page (dedup key) of the rollout.</summary>
    Task<IReadOnlyList<PageUpdate>> LatestAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class PageUpdateRepository(IDbConnectionFactory connections) : IPageUpdateRepository
{
    public async Task<bool> InsertAsync(PageUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        try
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO page_updates (rollout_id, dedup_key, cause, event_id, event_type, agent, incident_url, occurred_at_ms, received_at_ms) " +
                "VALUES (@RolloutId, @DedupKey, @Cause, @EventId, @EventType, @Agent, @IncidentUrl, @occurredAt, @receivedAt) ON CONFLICT (event_id) DO NOTHING",
                new
                {
                    update.RolloutId,
                    update.DedupKey,
                    update.Cause,
                    update.EventId,
                    update.EventType,
                    update.Agent,
                    update.IncidentUrl,
                    occurredAt = UnixTime.ToMs(update.OccurredAt),
                    receivedAt = UnixTime.ToMs(update.ReceivedAt),
                },
                cancellationToken: cancellationToken));
            return inserted == 1;
        }
        catch (DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<PageUpdate>> LatestAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT rollout_id AS RolloutId, dedup_key AS DedupKey, cause AS Cause, event_id AS EventId, event_type AS EventType, agent AS Agent, " +
            "incident_url AS IncidentUrl, occurred_at_ms AS OccurredAtMs, received_at_ms AS ReceivedAtMs, id AS Id " +
            "FROM page_updates WHERE rollout_id = @rolloutId ORDER BY occurred_at_ms, id",
            new { rolloutId },
            cancellationToken: cancellationToken));

        // A handful of rows per rollout (a few events per page): the newest per page is picked here, the same on both engines.
        return rows.GroupBy(r => r.DedupKey, StringComparer.Ordinal).Select(g => g.Last().ToUpdate()).OrderBy(u => u.OccurredAt).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }

        public long RolloutId { get; set; }

        public string DedupKey { get; set; } = "";

        public string Cause { get; set; } = "";

        public string EventId { get; set; } = "";

        public string EventType { get; set; } = "";

        public string? Agent { get; set; }

        public string? IncidentUrl { get; set; }

        public long OccurredAtMs { get; set; }

        public long ReceivedAtMs { get; set; }

        public PageUpdate ToUpdate() => new(RolloutId, DedupKey, Cause, EventId, EventType, Agent, IncidentUrl, UnixTime.FromMs(OccurredAtMs), UnixTime.FromMs(ReceivedAtMs));
    }
}
