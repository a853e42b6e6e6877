using System.Collections.Concurrent;

namespace ShipRoom.Web.Live;

/// <summary>
/// Tells the store's subscribers (dashboards, the rollout list, the freeze board) that rollouts changed: each is called
/// at most once per interval whatever the burst, and never before the change. One timer serves them all: a change made
/// while a wave is already due (for another rollout) goes with that wave, so it can be told sooner than the interval.
/// </summary>
/// <remarks>
/// A timer of its own per subscriber was a timer firing per open dashboard per update, each handed to a pool thread
/// that had to be woken; in a profile of the bench's tab window (20 dashboards) timer-fired work, the renders in it,
/// was two fifths of the server's samples and parking and waking threads a third (docs/benchmarks.md, seventeenth
/// round). The wave hands the dashboards to the pool <see cref="SliceSize"/> at a time: a dashboard's callback renders
/// on the calling thread when its circuit is idle (Blazor's dispatcher runs it inline), so a pool thread renders a
/// slice one after another. (One run with the first slice rendered on the timer thread measured more CPU, not less.)
/// </remarks>
public sealed class ChangeFanOut : IDisposable
{
    /// <summary>Subscribers called one after another by one pool thread.</summary>
    public const int SliceSize = 4;

    private readonly ConcurrentDictionary<Guid, Subscriber> _subscribers = new();
    private readonly ConcurrentDictionary<long, byte> _changed = new();
    private readonly CoalescingCallback _wave;
    private readonly Action<Exception> _onWaveError;

    /// <param name="onWaveError">Told of what failed outside a subscriber's own callback (its error handler among it).</param>
    public ChangeFanOut(TimeSpan interval, TimeProvider time, Action<Exception> onWaveError)
    {
        _onWaveError = onWaveError;
        _wave = new CoalescingCallback(RunWaveAsync, interval, time, onWaveError);
    }

    /// <summary>Calls <paramref name="onChange"/> after changes of the rollout, or of any rollout when null, until disposed.</summary>
    public IDisposable Add(long? rolloutId, Func<Task> onChange, Action<Exception> onError)
    {
        var id = Guid.NewGuid();
        var subscriber = new Subscriber(rolloutId, onChange, onError);
        _subscribers[id] = subscriber;
        return new Removal(this, id);
    }

    public int Count => _subscribers.Count;

    /// <summary>True when a subscriber follows this rollout by its id (not one that follows every rollout).</summary>
    public bool Follows(long rolloutId) => _subscribers.Values.Any(s => s.RolloutId == rolloutId);

    /// <summary>The rollout changed (its new snapshot is held already): its subscribers are called in the next wave.</summary>
    public void Changed(long rolloutId)
    {
        _changed[rolloutId] = 0;
        _wave.Signal();
    }

    public void Dispose() => _wave.Dispose();

    private Task RunWaveAsync()
    {
        // A rollout marked again after it was taken here has its snapshot held already; the callbacks below read it, and
        // the wave its mark queued calls them once more.
        var changed = new HashSet<long>();
        foreach (var rolloutId in _changed.Keys)
        {
            if (_changed.TryRemove(rolloutId, out _))
            {
                changed.Add(rolloutId);
            }
        }

        if (changed.Count == 0)
        {
            return Task.CompletedTask;
        }

        var called = _subscribers.Values.Where(s => s.RolloutId is not { } id || changed.Contains(id)).ToArray();
        for (var start = 0; start < called.Length; start += SliceSize)
        {
            ThreadPool.UnsafeQueueUserWorkItem(slice => Call(slice), new ArraySegment<Subscriber>(called, start, Math.Min(SliceSize, called.Length - start)), preferLocal: false);
        }

        return Task.CompletedTask;
    }

    private void Call(ArraySegment<Subscriber> slice)
    {
        foreach (var subscriber in slice)
        {
            if (subscriber.Removed)
            {
                continue;
            }

            try
            {
                var task = subscriber.OnChange();
                if (!task.IsCompletedSuccessfully)
                {
                    _ = ObserveAsync(task, subscriber);
                }
            }
            catch (Exception exception)
            {
                Report(subscriber, exception);
            }
        }
    }

    private async Task ObserveAsync(Task task, Subscriber subscriber)
    {
        try
        {
            await task;
        }
        catch (Exception exception)
        {
            Report(subscriber, exception);
        }
    }

    // A subscriber's error handler that throws must not stop the wave for the others.
    private void Report(Subscriber subscriber, Exception exception)
    {
        try
        {
            subscriber.OnError(exception);
        }
        catch (Exception unhandled)
        {
            _onWaveError(unhandled);
        }
    }

    private sealed class Subscriber(long? rolloutId, Func<Task> onChange, Action<Exception> onError)
    {
        public long? RolloutId { get; } = rolloutId;

        public Func<Task> OnChange { get; } = onChange;

        public Action<Exception> OnError { get; } = onError;

        public volatile bool Removed;
    }

    private sealed class Removal(ChangeFanOut fanOut, Guid id) : IDisposable
    {
        public void Dispose()
        {
            if (fanOut._subscribers.TryRemove(id, out var removed))
            {
                removed.Removed = true;
            }
        }
    }
}
