using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// A poll's snapshot draws its charts from the series index its judgement kept and extended poll after poll (on both
/// engines, since the polls' sample writes leave nothing below the mark to change): each chart holds exactly the stored
/// minutes of its window.
/// </summary>
public abstract class SnapshotChartsTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(20, 61)]
    [InlineData(300, SnapshotBuilder.MaxPointsPerSeries)] // past the longest window: every poll slides it a minute
    public async Task Each_chart_holds_the_stored_minutes_of_its_window_poll_after_poll(int startedMinutesAgo, int fullest)
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(startedMinutesAgo));
        for (var poll = 0; poll < 4; poll++)
        {
            var snapshot = (await host.Poller.PollAsync(id, Ct)).Snapshot!;
            var polledTo = snapshot.Poll.PolledUpTo!.Value;
            var stored = await host.Database.Samples.ReadAsync(id, polledTo.AddMinutes(-SnapshotBuilder.MaxPointsPerSeries), polledTo, Ct);
            var charted = snapshot.Panels.SelectMany(p => p.Metrics).ToList();
            Assert.NotEmpty(charted);
            foreach (var metric in charted)
            {
                Assert.Equal(Expected(stored, metric.Key, Cohort.Control), metric.ControlSeries);
                Assert.Equal(Expected(stored, metric.Key, Cohort.Canary), metric.CanarySeries);
            }

            Assert.Contains(charted, m => m.CanarySeries.Count >= fullest);
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.True(host.Get<RolloutAssessor>().IndexExtensions > 0, "the judgement's series index was made again every poll");
    }

    private static List<SeriesPoint> Expected(IReadOnlyList<MetricSample> stored, string metric, Cohort cohort) =>
        stored.Where(s => s.MetricKey == metric && s.Cohort == cohort && s.Journey is null && double.IsFinite(s.Value))
            .OrderBy(s => s.Time).Select(s => new SeriesPoint(Minutes.Floor(s.Time), Math.Round(s.Value, 6))).ToList();
}

public sealed class SqliteSnapshotChartsTests() : SnapshotChartsTests(new SqliteEngine());

public sealed class PostgresSnapshotChartsTests(PostgresServer server) : SnapshotChartsTests(new PostgresEngine(server));
