namespace ShipRoom.Infrastructure.Storage;

/// <summary>An API token as stored: its public prefix and the SHA-256 of its secret part, never the token itself.</summary>
public sealed record ApiTokenRecord(
    long Id,
    string Name,
    string Prefix,
    string TokenHash,
    IReadOnlyList<string> Roles,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

public interface IApiTokenRepository
{
    Task<long> CreateAsync(string name, string prefix, string tokenHash, IReadOnlyList<string> roles, string createdBy, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<ApiTokenRecord?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes the token; false when it does not exist or was already revoked.</summary>
    Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);

    Task TouchAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);
}
