using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Security;

/// <summary>
/// Tokens this instance validated against the database recently, keyed by the SHA-256 of the presented value (the
/// token itself is never kept). Used only when the database cannot be reached, for <see cref="ApiTokenOptions.OutageCache"/>.
/// </summary>
public sealed class ValidatedTokens(IOptions<ApiTokenOptions> options, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiTokenRecord Record, DateTimeOffset ValidatedAt)> _recent = new(StringComparer.Ordinal);

    public void Remember(string presentedHash, ApiTokenRecord record)
    {
        if (options.Value.OutageCache <= TimeSpan.Zero)
        {
            return;
        }

        if (_recent.Count >= MaxEntries)
        {
            Prune();
        }

        _recent[presentedHash] = (record, time.GetUtcNow());
    }

    /// <summary>The token's record if it was validated within the allowance and has neither expired nor been revoked here.</summary>
    public ApiTokenRecord? Find(string presentedHash)
    {
        var now = time.GetUtcNow();
        return _recent.TryGetValue(presentedHash, out var entry) && now - entry.ValidatedAt <= options.Value.OutageCache && entry.Record.ExpiresAt > now
            ? entry.Record
            : null;
    }

    public void Forget(long tokenId)
    {
        foreach (var (key, entry) in _recent)
        {
            if (entry.Record.Id == tokenId)
            {
                _recent.TryRemove(key, out _);
            }
        }
    }

    private void Prune()
    {
        var oldest = time.GetUtcNow() - options.Value.OutageCache;
        foreach (var (key, entry) in _recent)
        {
            if (entry.ValidatedAt < oldest)
            {
                _recent.TryRemove(key, out _);
            }
        }
    }
}
