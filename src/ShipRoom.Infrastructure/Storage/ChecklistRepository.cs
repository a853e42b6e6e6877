using Dapper;

namespace ShipRoom.Infrastructure.Storage;

public static class TickStates
{
    public const string Done = "done";
    public const string Undone = "undone";
    public const string NotApplicable = "n/a";

    public static IReadOnlyList<string> All { get; } = [Done, Undone, NotApplicable];
}

/// <summary>A checklist item of a rollout and its latest tick (null state: never ticked).</summary>
public sealed record ChecklistItemRecord(
    long Id,
    string ListName,
    string ItemKey,
    string Title,
    string OwnerRole,
    int DueOffsetMinutes,
    int Position,
    string? State,
    string? TickedBy,
    DateTimeOffset? TickedAt,
    string? Reason);

public sealed record NewChecklistItem(string ListName, string ItemKey, string Title, string OwnerRole, int DueOffsetMinutes, int Position);

public interface IChecklistRepository
{
    Task AddItemsAsync(long rolloutId, IReadOnlyList<NewChecklistItem> items, CancellationToken cancellationToken);

    /// <summary>Every item with its latest tick, in plan order.</summary>
    Task<IReadOnlyList<ChecklistItemRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken);

    /// <summary>Records a tick (every tick is kept; the latest is the item's state).</summary>
    Task TickAsync(long rolloutId, long itemId, string state, string actor, string? reason, DateTimeOffset at, CancellationToken cancellationToken);
}

public sealed class ChecklistRepository(IDbConnectionFactory connections) : IChecklistRepository
{
    public async Task AddItemsAsync(long rolloutId, IReadOnlyList<NewChecklistItem> items, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO checklist_items (rollout_id, list_name, item_key, title, owner_role, due_offset_minutes, position) VALUES (@RolloutId, @ListName, @ItemKey, @Title, @OwnerRole, @DueOffsetMinutes, @Position)",
            items.Select(i => new { RolloutId = rolloutId, i.ListName, i.ItemKey, i.Title, i.OwnerRole, i.DueOffsetMinutes, i.Position }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ChecklistItemRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            "SELECT i.id AS Id, i.list_name AS ListName, i.item_key AS ItemKey, i.title AS Title, i.owner_role AS OwnerRole, i.due_offset_minutes AS DueOffsetMinutes, i.position AS Position, " +
            "t.state AS State, t.actor AS TickedBy, t.at_ms AS TickedAtMs, t.reason AS Reason " +
            "FROM checklist_items i LEFT JOIN checklist_ticks t ON t.id = (SELECT max(id) FROM checklist_ticks WHERE item_id = i.id) " +
            "WHERE i.rollout_id = @rolloutId ORDER BY i.position",
            new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new ChecklistItemRecord(r.Id, r.ListName, r.ItemKey, r.Title, r.OwnerRole, (int)r.DueOffsetMinutes, (int)r.Position, r.State, r.TickedBy, UnixTime.FromMs(r.TickedAtMs), r.Reason)).ToList();
    }

    public async Task TickAsync(long rolloutId, long itemId, string state, string actor, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO checklist_ticks (item_id, rollout_id, state, actor, reason, at_ms) VALUES (@itemId, @rolloutId, @state, @actor, @reason, @at)",
            new { itemId, rolloutId, state, actor, reason, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken));
    }

    private sealed class ItemRow
    {
        public long Id { get; set; }
        public string ListName { get; set; } = "";
        public string ItemKey { get; set; } = "";
        public string Title { get; set; } = "";
        public string OwnerRole { get; set; } = "";
        public long DueOffsetMinutes { get; set; }
        public long Position { get; set; }
        public string? State { get; set; }
        public string? TickedBy { get; set; }
        public long? TickedAtMs { get; set; }
        public string? Reason { get; set; }
    }
}
