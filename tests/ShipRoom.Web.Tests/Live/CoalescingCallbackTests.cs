using Microsoft.Extensions.Time.Testing;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

public sealed class CoalescingCallbackTests
{
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_burst_of_signals_becomes_one_run_after_the_interval()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        using var callback = new CoalescingCallback(() => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, TimeSpan.FromMilliseconds(100), time, e => throw e);

        for (var i = 0; i < 25; i++)
        {
            callback.Signal();
        }

        time.Advance(TimeSpan.FromMilliseconds(99));
        await Task.Delay(30, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(0, runs);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => runs == 1);
        Assert.Equal(1, runs);

        callback.Signal();
        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitForAsync(() => runs == 2);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Nothing_runs_after_dispose()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        var callback = new CoalescingCallback(() => { runs++; return Task.CompletedTask; }, TimeSpan.FromMilliseconds(100), time, e => throw e);

        callback.Signal();
        callback.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task A_failing_callback_is_reported_not_swallowed()
    {
        var time = new FakeTimeProvider();
        Exception? reported = null;
        using var callback = new CoalescingCallback(() => throw new InvalidOperationException("render failed"), TimeSpan.FromMilliseconds(100), time, e => reported = e);

        callback.Signal();
        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitForAsync(() => reported is not null);

        Assert.Equal("render failed", reported?.Message);
    }
}
