using System.Diagnostics.Metrics;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary><c>shiproom_poll_duration_seconds</c> is the whole poll, reading to publishing, as docs/observability.md says.</summary>
public sealed class PollDurationTests
{
    [Fact]
    public async Task A_poll_whose_publish_takes_half_a_second_records_at_least_that_long()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        var recorded = new System.Collections.Concurrent.ConcurrentQueue<double>();
        var histogram = host.Get<Infrastructure.Telemetry.RolloutMetrics>().PollDuration; // this host's, not another test's
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, histogram))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => recorded.Enqueue(value));
        listener.Start();
        host.Published.Delay = TimeSpan.FromMilliseconds(500);

        var outcome = await host.Poller.PollAsync(id, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(Infrastructure.Rollouts.Polling.PollOutcomeKind.Polled, outcome.Kind);
        Assert.True(Assert.Single(recorded) >= 0.5, $"the poll recorded {recorded.Single():F3} s");
    }
}
