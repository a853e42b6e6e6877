using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// The rows behind ASP.NET Data Protection's key ring: every instance reads the same keys, so a cookie or an
/// antiforgery token issued by one is accepted by all, and by the next process after a restart.
/// </summary>
public sealed class DataProtectionKeyStore(IDbConnectionFactory connections, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT xml FROM data_protection_keys ORDER BY created_at_ms, name", cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Stores one element under its unique name; a second store of the same name keeps the first.</summary>
    public async Task StoreAsync(string name, string xml, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO data_protection_keys (name, xml, created_at_ms) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            new { name, xml, at = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }
}
