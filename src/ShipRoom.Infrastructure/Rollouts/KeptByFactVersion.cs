using System.Collections.Concurrent;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// What was read about each live rollout, kept under the fact version it was read at
/// (<see cref="Storage.IRolloutFactChangeRepository"/>): reused while the version stands, read again once it moves. The
/// version must be read before what is kept under it, so a write in between is read again next time, never missed. Two
/// reads of one rollout side by side keep the newer version. Past <see cref="MaxRollouts"/> everything is let go (more
/// live rollouts than the polls can serve); a rollout that finished elsewhere stays until then or its next read here.
/// </summary>
public sealed class KeptByFactVersion<T>
{
    public const int MaxRollouts = 1_000;

    private readonly ConcurrentDictionary<long, (long Version, T Value)> _kept = new();
    private long _reused;

    /// <summary>Reads that reused what was kept (for tests and diagnostics).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>What is kept for the rollout at this version, or what <paramref name="read"/> reads, then kept.</summary>
    public async Task<T> GetOrReadAsync(long rolloutId, long version, Func<Task<T>> read)
    {
        if (_kept.TryGetValue(rolloutId, out var kept) && kept.Version == version)
        {
            Interlocked.Increment(ref _reused);
            return kept.Value;
        }

        var value = await read();
        if (_kept.Count >= MaxRollouts)
        {
            _kept.Clear();
        }

        _kept.AddOrUpdate(rolloutId, (version, value), (_, other) => other.Version > version ? other : (version, value));
        return value;
    }

    /// <summary>Lets the rollout's entry go (it is no longer live).</summary>
    public void Forget(long rolloutId) => _kept.TryRemove(rolloutId, out _);
}
