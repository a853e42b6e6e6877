using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Security;

/// <summary>
/// Tokens this instance validated against the database recently, keyed by the SHA-256 of the presented value (the
/// token itself is never kept). Used only when the database cannot be reached, for <see cref="ApiTokenOptions.OutageCache"/>.
/// A token revoked on any instance (<see cref="Forget"/>, told by <see cref="TokenRevocationBroadcast"/>) is never
/// accepted from here again, even if a validation that was under way at the time tries to remember it.
/// </summary>
public sealed class ValidatedTokens(IOptions<ApiTokenOptions> options, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiTokenRecord Record, DateTimeOffset ValidatedAt)> _recent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, byte> _revoked = new();

    public void Remember(string presentedHash, ApiTokenRecord record)
    {
        if (options.Value.OutageCache <= TimeSpan.Zero || _revoked.ContainsKey(record.Id))
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
        return _recent.TryGetValue(presentedHash, out var entry) && now - entry.ValidatedAt <= options.Value.OutageCache && entry.Record.ExpiresAt > now &&
               !_revoked.ContainsKey(entry.Record.Id)
            ? entry.Record
            : null;
    }

    /// <summary>The token was revoked (here or on another instance): it is never accepted from the cache again.</summary>
    public void Forget(long tokenId)
    {
        if (_revoked.Count >= MaxEntries)
        {
            // Bounded: forget the marks and, with them, everything cached (the database decides again when it answers).
            _revoked.Clear();
            _recent.Clear();
        }

        _revoked[tokenId] = 0;
        foreach (var (key, entry) in _recent)
        {
            if (entry.Record.Id == tokenId)
            {
                _recent.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Revocations may have been missed (the listener was disconnected): nothing cached counts any more.</summary>
    public void ForgetAll() => _recent.Clear();

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
