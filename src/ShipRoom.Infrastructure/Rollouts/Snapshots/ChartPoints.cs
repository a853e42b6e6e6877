using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// A chart series of a snapshot: the last <see cref="SnapshotBuilder.MaxPointsPerSeries"/> finite minutes of its
/// window, values rounded to 6 places. Each poll of a steady rollout brings one new minute per series, so the last
/// snapshot's points are checked against the index, point by point, and the new minutes appended to them in place
/// (<see cref="AppendRun{T}"/>); the points are built afresh only when one of them differs (a late sample revised a
/// minute, a gap was filled, the window moved back) or there was no earlier snapshot. Either way the series is
/// exactly what the index holds.
/// </summary>
public static class ChartPoints
{
    /// <summary>The least room for new points beyond a fresh series (a quarter of its length otherwise: 60 polls of a full one).</summary>
    private const int MinimumRoom = 16;

    public static IReadOnlyList<SeriesPoint> Of(SeriesIndex series, string metric, Cohort cohort, DateTimeOffset from, DateTimeOffset to, int max, IReadOnlyList<SeriesPoint>? before)
    {
        var count = series.LastFinite(metric, cohort, null, from, to, max, out var ticks, out var values);
        if (count == 0)
        {
            return [];
        }

        if (before is AppendRun<SeriesPoint> { Count: > 0 } earlier && Extended(earlier, ticks, values, count) is { } extended)
        {
            return extended;
        }

        var points = new SeriesPoint[count + Math.Max(count / 4, MinimumRoom)];
        var written = 0;
        for (var i = 0; i < ticks.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                points[written++] = Point(ticks[i], values[i]);
            }
        }

        return AppendRun<SeriesPoint>.Adopt(points, count, MinimumRoom);
    }

    /// <summary>
    /// <paramref name="earlier"/> from the window's first point on, followed by the index's points after its last, when
    /// every point it keeps is the index's; otherwise null.
    /// </summary>
    private static AppendRun<SeriesPoint>? Extended(AppendRun<SeriesPoint> earlier, ReadOnlySpan<long> ticks, ReadOnlySpan<double> values, int count)
    {
        var firstTicks = ticks[0];
        var keptFrom = 0;
        while (keptFrom < earlier.Count && earlier[keptFrom].Time.UtcTicks < firstTicks)
        {
            keptFrom++;
        }

        var kept = earlier.Count - keptFrom;
        if (kept > count)
        {
            return null;
        }

        var newer = new SeriesPoint[count - kept];
        var matched = 0;
        for (var i = 0; i < ticks.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                continue;
            }

            var point = Point(ticks[i], values[i]);
            if (matched < kept)
            {
                if (earlier[keptFrom + matched] != point)
                {
                    return null;
                }

                matched++;
            }
            else
            {
                newer[matched++ - kept] = point;
            }
        }

        return earlier.From(keptFrom).Append(newer);
    }

    private static SeriesPoint Point(long ticks, double value) => new(new DateTimeOffset(ticks, TimeSpan.Zero), Math.Round(value, 6));
}
