using System.Data.Common;
using Dapper;

namespace ShipRoom.Infrastructure.Storage;

public sealed class UserRepository(IDbConnectionFactory connections) : IUserRepository
{
    private const string Columns =
        "id AS Id, user_name AS UserName, display_name AS DisplayName, password_hash AS PasswordHash, roles AS Roles, " +
        "failed_sign_ins AS FailedSignIns, locked_until_ms AS LockedUntilMs, disabled AS Disabled, created_at_ms AS CreatedAtMs, last_sign_in_at_ms AS LastSignInAtMs";

    public async Task<UserRecord?> FindByUserNameAsync(string userName, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE lower(user_name) = lower(@userName)", new { userName }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users ORDER BY user_name", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM users", cancellationToken: cancellationToken));
    }

    public async Task<long> CreateAsync(string userName, string displayName, string passwordHash, IReadOnlyList<string> roles, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO users (user_name, display_name, password_hash, roles, created_at_ms) VALUES (@userName, @displayName, @passwordHash, @roles, @createdAt) RETURNING id",
                new { userName, displayName, passwordHash, roles = RoleList.Join(roles), createdAt = UnixTime.ToMs(createdAt) },
                cancellationToken: cancellationToken));
        }
        catch (DbException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            throw new DuplicateKeyException($"A user named '{userName}' already exists.", exception);
        }
    }

    public Task SetPasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET password_hash = @passwordHash, failed_sign_ins = 0, locked_until_ms = NULL WHERE id = @id", new { id, passwordHash }, cancellationToken);

    public Task SetRolesAsync(long id, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET roles = @roles WHERE id = @id", new { id, roles = RoleList.Join(roles) }, cancellationToken);

    public Task SetDisabledAsync(long id, bool disabled, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET disabled = @disabled WHERE id = @id", new { id, disabled = disabled ? 1 : 0 }, cancellationToken);

    public Task RecordSignInFailureAsync(long id, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET failed_sign_ins = @failedSignIns, locked_until_ms = @lockedUntil WHERE id = @id", new { id, failedSignIns, lockedUntil = UnixTime.ToMs(lockedUntil) }, cancellationToken);

    public Task RecordSignInSuccessAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET failed_sign_ins = 0, locked_until_ms = NULL, last_sign_in_at_ms = @at WHERE id = @id", new { id, at = UnixTime.ToMs(at) }, cancellationToken);

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private sealed class UserRow
    {
        public long Id { get; set; }
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public string Roles { get; set; } = "";
        public long FailedSignIns { get; set; }
        public long? LockedUntilMs { get; set; }
        public long Disabled { get; set; }
        public long CreatedAtMs { get; set; }
        public long? LastSignInAtMs { get; set; }

        public UserRecord ToRecord() => new(Id, UserName, DisplayName, PasswordHash, RoleList.Split(Roles), (int)FailedSignIns,
            UnixTime.FromMs(LockedUntilMs), Disabled != 0, UnixTime.FromMs(CreatedAtMs), UnixTime.FromMs(LastSignInAtMs));
    }
}

internal static class RoleList
{
    public static string Join(IEnumerable<string> roles) => string.Join(',', roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static IReadOnlyList<string> Split(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
