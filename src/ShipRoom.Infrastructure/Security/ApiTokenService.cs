using System.Security.Cryptography;
using System.Text;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Security;

/// <summary>A token as issued: the whole secret is shown once and never stored.</summary>
public sealed record IssuedApiToken(long Id, string Token, string Prefix, DateTimeOffset ExpiresAt);

/// <summary>
/// API tokens for automation: <c>srt_&lt;prefix&gt;_&lt;secret&gt;</c>. Only the prefix (to find it) and the SHA-256 of the
/// 256-bit secret are stored; a high-entropy secret needs no slow hash. Scoped to roles, with an expiry, revocable.
/// </summary>
public sealed class ApiTokenService(IApiTokenRepository tokens, IAuditLog audit, ValidatedTokens validated, TokenRevocationBroadcast revocations, StorageReachability reachability, TimeProvider time)
{
    public const string TokenPrefix = "srt_";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public async Task<IssuedApiToken> IssueAsync(string name, IReadOnlyList<string> roles, TimeSpan lifetime, string issuedBy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new ArgumentException("a token needs a name of 1 to 100 characters", nameof(name));
        }

        if (roles.Count == 0 || roles.Any(r => !Roles.IsKnown(r)))
        {
            throw new ArgumentException($"roles must be some of: {string.Join(", ", Roles.All)}", nameof(roles));
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentException("a token lives between one minute and 365 days", nameof(lifetime));
        }

        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expiresAt = now + lifetime;
        var id = await tokens.CreateAsync(name.Trim(), prefix, Hash(secret), roles, issuedBy, now, expiresAt, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(now, issuedBy, "api-token.issued", null, $"Issued API token '{name.Trim()}' ({prefix})", After: $"roles={string.Join(',', roles)}; expires {expiresAt:O}"), cancellationToken);
        return new IssuedApiToken(id, $"{TokenPrefix}{prefix}_{secret}", prefix, expiresAt);
    }

    /// <summary>The token's record when the presented value is valid, unexpired and unrevoked; null otherwise.</summary>
    public async Task<ApiTokenRecord?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var parts = presented[TokenPrefix.Length..].Split('_', 2);
        if (parts.Length != 2 || parts[0].Length != 12)
        {
            return null;
        }

        var presentedHash = Hash(presented);
        ApiTokenRecord? record;
        try
        {
            record = await tokens.FindByPrefixAsync(parts[0], cancellationToken);
        }
        catch (Exception exception) when (StorageFailures.IsStorageFailure(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The database is away: a token this instance validated a moment ago still counts, so automation can roll back.
            reachability.Lost("the database does not answer");
            if (validated.Find(presentedHash) is { } known)
            {
                return known;
            }

            throw;
        }

        var now = time.GetUtcNow();
        if (record is null || record.RevokedAt is not null || record.ExpiresAt <= now ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(parts[1])), Encoding.ASCII.GetBytes(record.TokenHash)))
        {
            return null;
        }

        validated.Remember(presentedHash, record);
        if (record.LastUsedAt is null || now - record.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await tokens.TouchAsync(record.Id, now, cancellationToken);
        }

        return record;
    }

    public async Task<bool> RevokeAsync(long id, string revokedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = await tokens.RevokeAsync(id, now, cancellationToken);
        validated.Forget(id);
        if (revoked)
        {
            await revocations.AnnounceAsync(id, cancellationToken);
            await audit.AppendAsync(new AuditEntryDraft(now, revokedBy, "api-token.revoked", null, $"Revoked API token {id}"), cancellationToken);
        }

        return revoked;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
