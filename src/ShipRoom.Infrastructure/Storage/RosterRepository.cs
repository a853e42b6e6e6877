using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>One role of a rollout's DRI roster: who is primary, who is the named backup, how to reach them.</summary>
public sealed record RosterEntry(
    string Role,
    string? PrimaryName,
    string? PrimaryContact,
    string? PrimaryChat,
    string? PrimaryTimeZone,
    string? BackupName,
    string? BackupContact,
    string? BackupChat,
    string? BackupTimeZone,
    int EscalationOrder);

public interface IRosterRepository
{
    Task UpsertAsync(long rolloutId, RosterEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<RosterEntry>> ListAsync(long rolloutId, CancellationToken cancellationToken);

    /// <summary>The newest rollout other than <paramref name="exceptRolloutId"/> that has a roster, if any.</summary>
    Task<long?> LatestWithRosterAsync(long exceptRolloutId, CancellationToken cancellationToken);
}

public sealed class RosterRepository(IDbConnectionFactory connections) : IRosterRepository
{
    private const string Columns =
        "role AS Role, primary_name AS PrimaryName, primary_contact AS PrimaryContact, primary_chat AS PrimaryChat, primary_time_zone AS PrimaryTimeZone, " +
        "backup_name AS BackupName, backup_contact AS BackupContact, backup_chat AS BackupChat, backup_time_zone AS BackupTimeZone, escalation_order AS EscalationOrder";

    public async Task UpsertAsync(long rolloutId, RosterEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO roster_entries (rollout_id, role, primary_name, primary_contact, primary_chat, primary_time_zone, backup_name, backup_contact, backup_chat, backup_time_zone, escalation_order) " +
            "VALUES (@RolloutId, @Role, @PrimaryName, @PrimaryContact, @PrimaryChat, @PrimaryTimeZone, @BackupName, @BackupContact, @BackupChat, @BackupTimeZone, @EscalationOrder) " +
            "ON CONFLICT (rollout_id, role) DO UPDATE SET primary_name = excluded.primary_name, primary_contact = excluded.primary_contact, primary_chat = excluded.primary_chat, " +
            "primary_time_zone = excluded.primary_time_zone, backup_name = excluded.backup_name, backup_contact = excluded.backup_contact, backup_chat = excluded.backup_chat, " +
            "backup_time_zone = excluded.backup_time_zone, escalation_order = excluded.escalation_order",
            new { RolloutId = rolloutId, entry.Role, entry.PrimaryName, entry.PrimaryContact, entry.PrimaryChat, entry.PrimaryTimeZone, entry.BackupName, entry.BackupContact, entry.BackupChat, entry.BackupTimeZone, entry.EscalationOrder },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RosterEntry>> ListAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM roster_entries WHERE rollout_id = @rolloutId ORDER BY escalation_order, role", new { rolloutId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RosterEntry(r.Role, r.PrimaryName, r.PrimaryContact, r.PrimaryChat, r.PrimaryTimeZone, r.BackupName, r.BackupContact, r.BackupChat, r.BackupTimeZone, (int)r.EscalationOrder)).ToList();
    }

    public async Task<long?> LatestWithRosterAsync(long exceptRolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(rollout_id) FROM roster_entries WHERE rollout_id <> @exceptRolloutId", new { exceptRolloutId }, cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string Role { get; set; } = "";
        public string? PrimaryName { get; set; }
        public string? PrimaryContact { get; set; }
        public string? PrimaryChat { get; set; }
        public string? PrimaryTimeZone { get; set; }
        public string? BackupName { get; set; }
        public string? BackupContact { get; set; }
        public string? BackupChat { get; set; }
        public string? BackupTimeZone { get; set; }
        public long EscalationOrder { get; set; }
    }
}
