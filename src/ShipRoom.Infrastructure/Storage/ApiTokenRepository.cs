using System.Data.Common;
using Dapper;

namespace ShipRoom.Infrastructure.Storage;

public sealed class ApiTokenRepository(IDbConnectionFactory connections) : IApiTokenRepository
{
    private const string Columns =
        "id AS Id, name AS Name, prefix AS Prefix, token_hash AS TokenHash, roles AS Roles, created_by AS CreatedBy, created_at_ms AS CreatedAtMs, " +
        "expires_at_ms AS ExpiresAtMs, revoked_at_ms AS RevokedAtMs, last_used_at_ms AS LastUsedAtMs";

    public async Task<long> CreateAsync(string name, string prefix, string tokenHash, IReadOnlyList<string> roles, string createdBy, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO api_tokens (name, prefix, token_hash, roles, created_by, created_at_ms, expires_at_ms) VALUES (@name, @prefix, @tokenHash, @roles, @createdBy, @createdAt, @expiresAt) RETURNING id",
                new { name, prefix, tokenHash, roles = RoleList.Join(roles), createdBy, createdAt = UnixTime.ToMs(createdAt), expiresAt = UnixTime.ToMs(expiresAt) },
                cancellationToken: cancellationToken));
        }
        catch (DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            throw new DuplicateKeyException("an API token with this prefix already exists", exception);
        }
    }

    public async Task<ApiTokenRecord?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition($"SELECT {Columns} FROM api_tokens WHERE prefix = @prefix", new { prefix }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition($"SELECT {Columns} FROM api_tokens ORDER BY id DESC", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at_ms = @at WHERE id = @id AND revoked_at_ms IS NULL", new { id, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task TouchAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE api_tokens SET last_used_at_ms = @at WHERE id = @id", new { id, at = UnixTime.ToMs(at) }, cancellationToken: cancellationToken));
    }

    private sealed class TokenRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Prefix { get; set; } = "";
        public string TokenHash { get; set; } = "";
        public string Roles { get; set; } = "";
        public string CreatedBy { get; set; } = "";
        public long CreatedAtMs { get; set; }
        public long ExpiresAtMs { get; set; }
        public long? RevokedAtMs { get; set; }
        public long? LastUsedAtMs { get; set; }

        public ApiTokenRecord ToRecord() => new(Id, Name, Prefix, TokenHash, RoleList.Split(Roles), CreatedBy, UnixTime.FromMs(CreatedAtMs), UnixTime.FromMs(ExpiresAtMs),
            UnixTime.FromMs(RevokedAtMs), UnixTime.FromMs(LastUsedAtMs));
    }
}
