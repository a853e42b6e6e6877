using Microsoft.Extensions.Time.Testing;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

public sealed class ChangeFanOutTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Counts the timers made: each <c>Task.Delay</c> on this clock is one.</summary>
    private sealed class CountingTime : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    // What a subscriber's handler or the wave was told: a throw there would land on a pool thread, not in the test.
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _errors = new();

    private void Record(Exception exception) => _errors.Enqueue(exception);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }

        await Task.Delay(50, Xunit.TestContext.Current.CancellationToken); // an unexpected second call would land in this time
    }

    [Fact]
    public async Task One_timer_calls_every_follower_of_the_changed_rollouts_once_per_burst_across_slices()
    {
        var time = new CountingTime();
        using var fanOut = new ChangeFanOut(Interval, time, Record);
        const int Followers = ChangeFanOut.SliceSize * 2 + 5;
        var seven = new int[Followers];
        var eight = 0;
        var any = 0;
        var subscriptions = Enumerable.Range(0, Followers).Select(i => fanOut.Add(7, () => { Interlocked.Increment(ref seven[i]); return Task.CompletedTask; }, Record)).ToList();
        subscriptions.Add(fanOut.Add(8, () => { Interlocked.Increment(ref eight); return Task.CompletedTask; }, Record));
        subscriptions.Add(fanOut.Add(null, () => { Interlocked.Increment(ref any); return Task.CompletedTask; }, Record));
        Assert.True(fanOut.Follows(7));
        Assert.False(fanOut.Follows(9));

        for (var i = 0; i < 5; i++)
        {
            fanOut.Changed(7);
        }

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        await Task.Delay(30, Xunit.TestContext.Current.CancellationToken);
        Assert.All(seven, calls => Assert.Equal(0, calls));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => Enumerable.Range(0, Followers).All(i => Volatile.Read(ref seven[i]) >= 1) && Volatile.Read(ref any) >= 1);

        Assert.All(seven, calls => Assert.Equal(1, calls));
        Assert.Equal((0, 1), (eight, any));
        Assert.Equal(1, time.Timers);
        subscriptions.ForEach(s => s.Dispose());
        Assert.Equal(0, fanOut.Count);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task A_change_while_a_wave_runs_brings_one_more_wave_and_a_removed_subscriber_is_not_called()
    {
        var time = new FakeTimeProvider();
        using var fanOut = new ChangeFanOut(Interval, time, Record);
        var calls = 0;
        var removedCalls = 0;
        using var follower = fanOut.Add(7, () =>
        {
            // The first call marks the rollout changed again, as a poll landing during the wave does.
            if (Interlocked.Increment(ref calls) == 1)
            {
                fanOut.Changed(7);
            }

            return Task.CompletedTask;
        }, Record);
        var removed = fanOut.Add(7, () => { Interlocked.Increment(ref removedCalls); return Task.CompletedTask; }, Record);
        removed.Dispose();

        fanOut.Changed(7);
        time.Advance(Interval);
        await WaitForAsync(() => Volatile.Read(ref calls) >= 1);
        Assert.Equal(1, calls);
        time.Advance(Interval);
        await WaitForAsync(() => Volatile.Read(ref calls) >= 2);
        Assert.Equal(2, calls);
        time.Advance(Interval);
        await WaitForAsync(() => false);
        Assert.Equal((2, 0), (calls, removedCalls));
        Assert.Empty(_errors);
    }

    /// <summary>A callback that fails, at once or later, is reported to its own handler; one whose handler throws too does not stop the others.</summary>
    [Fact]
    public async Task A_failing_subscriber_is_reported_and_the_others_are_still_called()
    {
        var time = new FakeTimeProvider();
        var waveErrors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var fanOut = new ChangeFanOut(Interval, time, waveErrors.Enqueue);
        var reported = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var healthy = 0;
        using var throws = fanOut.Add(7, () => throw new InvalidOperationException("render failed"), e => reported.Enqueue(e.Message));
        using var faultsLater = fanOut.Add(7, async () => { await Task.Yield(); throw new InvalidOperationException("render failed later"); }, e => reported.Enqueue(e.Message));
        using var handlerThrows = fanOut.Add(7, () => throw new InvalidOperationException("broken"), e => throw new InvalidOperationException("handler broken", e));
        using var fine = fanOut.Add(7, () => { Interlocked.Increment(ref healthy); return Task.CompletedTask; }, e => reported.Enqueue(e.Message));

        fanOut.Changed(7);
        time.Advance(Interval);
        await WaitForAsync(() => reported.Count >= 2 && Volatile.Read(ref healthy) >= 1 && !waveErrors.IsEmpty);

        Assert.Equal(["render failed", "render failed later"], reported.Order());
        Assert.Equal(1, healthy);
        Assert.Equal("handler broken", Assert.Single(waveErrors).Message);
    }
}
