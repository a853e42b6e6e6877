using System.Collections.Concurrent;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// The samples each live rollout was last judged on, kept between polls so a poll reads from storage only the minutes
/// that came in since (reading every sample of the window again was most of a poll's work: 62% of it in a profile of
/// 50 rollouts polling on SQLite). Sound because stored samples only ever arrive at or after the rollout's
/// polled-up-to mark, which only moves forward (<see cref="Polling.PollStore"/> is their only writer, and a poll claims
/// its range once across instances): a window is kept only when it ends at or before that mark (before the first poll
/// there is none, and the first poll back-fills the hour before the start). A window that does not start
/// inside the kept one (an earlier start, a time before the kept end) is read whole. Windows are dropped when the
/// rollout finishes, and the least recently used ones make room when more than <see cref="MaxSamples"/> are kept.
/// Kept on SQLite only (see the storage constructor).
/// </summary>
public sealed class SampleWindows(ISampleRepository samples, Func<bool> keep, int maxSamples = SampleWindows.MaxSamples)
{
    /// <summary>
    /// Kept on SQLite only, where one instance writes the samples. On PostgreSQL two instances may claim overlapping
    /// ranges (the claim is unique on the range, not on its start): one could rewrite minutes below the other's mark,
    /// and a kept window would not see it. Every judgement there reads its window whole, as before.
    /// </summary>
    public SampleWindows(ISampleRepository samples, IDbConnectionFactory connections)
        : this(samples, () => connections.Provider == StorageProvider.Sqlite)
    {
    }

    /// <summary>Keeps windows or not whatever the engine (tests of the mechanism on both).</summary>
    public SampleWindows(ISampleRepository samples, bool keep, int maxSamples = SampleWindows.MaxSamples)
        : this(samples, () => keep, maxSamples)
    {
    }

    // Asked when first needed, not when built: the engine is known only once the storage options are valid, and a
    // wrong setting must be reported with all the others at start-up (StartupFailureTests), not by this constructor.
    private readonly Lazy<bool> _keep = new(keep);

    /// <summary>Unless told otherwise: about 130 MB of samples at most (a sample is about 64 bytes): 60 rollouts each with 5 hours of the shipped plans' 168 series.</summary>
    public const int MaxSamples = 2_000_000;

    /// <summary>The least room a kept window has beyond its own samples: seven minutes of the 1% → 100% plan's 137 series.</summary>
    private const int MinimumRoom = 1024;

    private readonly ConcurrentDictionary<long, Window> _windows = new();
    private long _kept;
    private long _uses;

    /// <summary>Samples kept now, over every rollout (for tests and diagnostics).</summary>
    public long KeptSamples => Interlocked.Read(ref _kept);

    /// <summary>Rollouts with a window kept.</summary>
    public int Count => _windows.Count;

    /// <summary>
    /// Samples with from ≤ time &lt; to, in the order <see cref="ISampleRepository.ReadAsync"/> gives them.
    /// <paramref name="polledTo"/> is the rollout's polled-up-to mark as read with it: no sample before it changes.
    /// </summary>
    public async Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? polledTo, CancellationToken cancellationToken)
    {
        IReadOnlyList<MetricSample> read;
        if (_windows.TryGetValue(rolloutId, out var kept) && kept.From <= from && kept.To <= to && from <= kept.To)
        {
            var newer = kept.To == to ? [] : await samples.ReadAsync(rolloutId, kept.To, to, cancellationToken);
            read = kept.Samples.From(FirstAtOrAfter(kept.Samples, from)).Append(newer);
        }
        else
        {
            read = await samples.ReadAsync(rolloutId, from, to, cancellationToken);
        }

        if (polledTo is { } final && to <= final && _keep.Value)
        {
            var run = AppendRun<MetricSample>.Of(read, MinimumRoom);
            Keep(rolloutId, new Window(from, to, run, Interlocked.Increment(ref _uses)));
            return run;
        }

        return read;
    }

    /// <summary>Whether the rollout's window is kept now (its judgement may keep its index of the same samples while it is).</summary>
    public bool Holds(long rolloutId) => _windows.ContainsKey(rolloutId);

    /// <summary>The rollout has finished: nothing more is judged of it here.</summary>
    public void Forget(long rolloutId)
    {
        if (_windows.TryRemove(rolloutId, out var gone))
        {
            Interlocked.Add(ref _kept, -gone.Samples.Count);
        }
    }

    private void Keep(long rolloutId, Window window)
    {
        if (window.Samples.Count > maxSamples)
        {
            Forget(rolloutId);
            return;
        }

        // Two judgements of one rollout at once (a poll and a command's check): the window reaching further is kept.
        while (true)
        {
            if (_windows.TryGetValue(rolloutId, out var old))
            {
                if (old.To > window.To)
                {
                    return;
                }

                if (_windows.TryUpdate(rolloutId, window, old))
                {
                    Interlocked.Add(ref _kept, window.Samples.Count - old.Samples.Count);
                    break;
                }
            }
            else if (_windows.TryAdd(rolloutId, window))
            {
                Interlocked.Add(ref _kept, window.Samples.Count);
                break;
            }
        }

        if (Interlocked.Read(ref _kept) > maxSamples)
        {
            MakeRoom(rolloutId);
        }
    }

    private void MakeRoom(long keep)
    {
        foreach (var (rolloutId, _) in _windows.Where(w => w.Key != keep).OrderBy(w => w.Value.Use).ToList())
        {
            if (Interlocked.Read(ref _kept) <= maxSamples)
            {
                return;
            }

            Forget(rolloutId);
        }
    }

    private static int FirstAtOrAfter(IReadOnlyList<MetricSample> inTimeOrder, DateTimeOffset from)
    {
        var (low, high) = (0, inTimeOrder.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (inTimeOrder[middle].Time < from)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private sealed record Window(DateTimeOffset From, DateTimeOffset To, AppendRun<MetricSample> Samples, long Use);
}
