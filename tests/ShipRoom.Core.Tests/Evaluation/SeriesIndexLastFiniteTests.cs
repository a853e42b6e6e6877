using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>A chart's points straight from the index: the last finite values of the range, in time order, at most so many.</summary>
public sealed class SeriesIndexLastFiniteTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly SeriesIndex Index = new(Enumerable.Range(0, 10).Select(m =>
        new MetricSample("latency", Cohort.Canary, null, T.AddMinutes(m).AddSeconds(20), m is 7 or 2 ? double.NaN : m * 10.0)));

    /// <summary>What a chart reads: the finite ones of the spans, and the count it was told.</summary>
    private static (int Count, List<(DateTimeOffset, double)> Points) LastFinite(Cohort cohort, DateTimeOffset from, DateTimeOffset to, int max)
    {
        var count = Index.LastFinite("latency", cohort, null, from, to, max, out var ticks, out var values);
        var points = new List<(DateTimeOffset, double)>();
        for (var i = 0; i < ticks.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                points.Add((new DateTimeOffset(ticks[i], TimeSpan.Zero), values[i]));
            }
        }

        return (count, points);
    }

    [Fact]
    public void It_gives_the_last_finite_values_in_time_order_leaving_out_gaps()
    {
        var (count, points) = LastFinite(Cohort.Canary, T.AddMinutes(1), T.AddMinutes(9), max: 4);

        // Minutes 1-8 hold 10, NaN, 30, 40, 50, 60, NaN, 80: the last four finite ones, minute 9 being outside.
        Assert.Equal([(T.AddMinutes(4), 40.0), (T.AddMinutes(5), 50.0), (T.AddMinutes(6), 60.0), (T.AddMinutes(8), 80.0)], points);
        Assert.Equal(4, count);
    }

    [Fact]
    public void It_gives_the_same_as_the_range_when_the_range_is_shorter_than_the_limit()
    {
        var (count, points) = LastFinite(Cohort.Canary, T, T.AddMinutes(10), max: 240);

        Assert.Equal(Index.Range("latency", Cohort.Canary, null, T, T.AddMinutes(10)), points);
        Assert.Equal(8, count);
        var none = LastFinite(Cohort.Control, T, T.AddMinutes(10), max: 240);
        Assert.Equal(0, none.Count);
        Assert.Empty(none.Points);
    }

    [Fact]
    public void The_largest_finite_value_of_a_range_leaves_out_no_data_and_the_minutes_outside()
    {
        // Minutes 0-9 hold 0, 10, NaN, 30, 40, 50, 60, NaN, 80, 90.
        Assert.Equal(80.0, Index.MaxFinite("latency", Cohort.Canary, null, T.AddMinutes(1), T.AddMinutes(9)));
        Assert.Equal(10.0, Index.MaxFinite("latency", Cohort.Canary, null, T, T.AddMinutes(3)));
        Assert.Null(Index.MaxFinite("latency", Cohort.Canary, null, T.AddMinutes(7), T.AddMinutes(8)));
        Assert.Null(Index.MaxFinite("latency", Cohort.Control, null, T, T.AddMinutes(10)));
    }
}
