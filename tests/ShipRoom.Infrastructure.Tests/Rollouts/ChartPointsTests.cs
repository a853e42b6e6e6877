using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// A chart series carries on from the last snapshot's when the index still agrees with every point it keeps, and is
/// built afresh when not: either way it is exactly the index's last finite minutes.
/// </summary>
public sealed class ChartPointsTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static SeriesIndex Index(int minutes, Func<int, double>? value = null) =>
        new(Enumerable.Range(0, minutes).Select(m => new MetricSample("latency", Cohort.Canary, null, T.AddMinutes(m), value?.Invoke(m) ?? m + 0.1234567)));

    private static IReadOnlyList<SeriesPoint> Chart(SeriesIndex index, int minutes, int max, IReadOnlyList<SeriesPoint>? before) =>
        ChartPoints.Of(index, "latency", Cohort.Canary, T, T.AddMinutes(minutes), max, before);

    /// <summary>What the chart must hold: the last finite minutes, rounded to 6 places.</summary>
    private static List<SeriesPoint> Expected(SeriesIndex index, int minutes, int max) =>
        index.Range("latency", Cohort.Canary, null, T, T.AddMinutes(minutes)).TakeLast(max).Select(p => new SeriesPoint(p.Minute, Math.Round(p.Value, 6))).ToList();

    [Fact]
    public void The_next_minute_is_appended_to_the_last_snapshots_points_in_place()
    {
        var first = (AppendRun<SeriesPoint>)Chart(Index(10), 10, 240, before: null);
        var index = Index(11);
        var next = (AppendRun<SeriesPoint>)Chart(index, 11, 240, first);

        Assert.True(next.SharesItemsWith(first));
        Assert.Equal(Expected(index, 11, 240), next);
        Assert.Equal(Expected(Index(10), 10, 240), first); // the earlier snapshot's chart is as it was
        Assert.Same(next, Chart(index, 11, 240, next)); // nothing new: the same points
    }

    [Fact]
    public void A_full_window_slides_by_the_new_minute()
    {
        var first = (AppendRun<SeriesPoint>)Chart(Index(30), 30, 10, before: null);
        var index = Index(31);
        var next = (AppendRun<SeriesPoint>)Chart(index, 31, 10, first);

        Assert.True(next.SharesItemsWith(first));
        Assert.Equal(Expected(index, 31, 10), next);
        Assert.Equal(T.AddMinutes(21), next[0].Time);
    }

    [Theory]
    [InlineData("a minute revised")]
    [InlineData("a gap filled")]
    [InlineData("a minute gone")]
    public void Points_the_index_no_longer_agrees_with_are_built_afresh(string change)
    {
        var before = Chart(Index(10, m => m == 4 && change == "a gap filled" ? double.NaN : m), 10, 240, before: null);
        var index = change switch
        {
            "a minute revised" => Index(11, m => m == 4 ? 40 : m),
            "a gap filled" => Index(11, m => m),
            _ => Index(11, m => m == 4 ? double.NaN : m),
        };

        var after = (AppendRun<SeriesPoint>)Chart(index, 11, 240, before);

        Assert.False(after.SharesItemsWith((AppendRun<SeriesPoint>)before));
        Assert.Equal(Expected(index, 11, 240), after);
    }

    [Fact]
    public void A_last_snapshot_newer_than_the_index_is_not_carried_on()
    {
        // The last known snapshot came from a later judgement (a command's) than the one building now.
        var newer = Chart(Index(12), 12, 240, before: null);
        var index = Index(11);

        Assert.Equal(Expected(index, 11, 240), Chart(index, 11, 240, newer));
    }

    [Fact]
    public void Two_snapshots_built_from_the_same_earlier_one_each_get_their_own_new_minutes()
    {
        // A poll and a command's check of one rollout at once, each carrying on from the last snapshot.
        var earlier = (AppendRun<SeriesPoint>)Chart(Index(10), 10, 240, before: null);
        var poll = (AppendRun<SeriesPoint>)Chart(Index(11), 11, 240, earlier);
        var check = (AppendRun<SeriesPoint>)Chart(Index(11, m => m == 10 ? 99 : m + 0.1234567), 11, 240, earlier);

        Assert.True(poll.SharesItemsWith(earlier));
        Assert.False(check.SharesItemsWith(earlier));
        Assert.Equal(Expected(Index(11), 11, 240), poll);
        Assert.Equal(99, check[10].Value);
        Assert.Equal(Expected(Index(10), 10, 240), earlier);
    }

    [Fact]
    public void No_finite_minute_is_an_empty_chart_and_the_next_one_starts_afresh()
    {
        Assert.Empty(Chart(Index(5, _ => double.NaN), 5, 240, before: null));
        Assert.Equal(Expected(Index(3), 3, 240), Chart(Index(3), 3, 240, before: []));
    }
}
