using System.Collections.Concurrent;
using ShipRoom.Core;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// The samples each live rollout was last judged on, kept between polls so a poll reads from storage only the minutes
/// that came in since (reading every sample of the window again was most of a poll's work: 62% of it in a profile of
/// 50 rollouts polling on SQLite, and most of what a poll allocated on PostgreSQL). Sound because no sample below a
/// rollout's polled-up-to mark is written once the mark stands, whichever instance polls
/// (<see cref="ISampleRepository.StorePollAsync"/> is the polls' only write, and the mark only moves forward): a window
/// is kept only when it ends at or before that mark (before the first poll there is none, and the first poll back-fills
/// the hour before the start). A window that does not start inside the kept one (an earlier start, a time before the
/// kept end) is read whole. Windows are dropped when the rollout finishes, and the least recently used ones make room
/// when more than <see cref="MaxSamples"/> are kept.
/// </summary>
public sealed class SampleWindows(ISampleRepository samples, int maxSamples = SampleWindows.MaxSamples)
{
    /// <summary>Unless told otherwise: 96 MB of samples at most, about 120 MB with the room each window keeps to grow in place (a sample is 48 bytes): 60 rollouts each with 5 hours of the shipped plans' 168 series.</summary>
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

        if (polledTo is { } final && to <= final)
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
