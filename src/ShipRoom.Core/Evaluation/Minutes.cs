namespace ShipRoom.Core.Evaluation;

/// <summary>Whole UTC minutes: a sample stamped 10:04 covers [10:04, 10:05) and is complete once 10:05 has passed.</summary>
public static class Minutes
{
    public static DateTimeOffset Floor(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public static DateTimeOffset Ceiling(DateTimeOffset time)
    {
        var floor = Floor(time);
        return floor == time.ToUniversalTime() ? floor : floor.AddMinutes(1);
    }

    /// <summary>The complete minutes in [from, now): each minute m with m ≥ from and m + 1 min ≤ now.</summary>
    public static IEnumerable<DateTimeOffset> Complete(DateTimeOffset from, DateTimeOffset now)
    {
        for (var minute = Ceiling(from); minute.AddMinutes(1) <= now; minute = minute.AddMinutes(1))
        {
            yield return minute;
        }
    }

    /// <summary>How many minutes <see cref="Complete"/> yields.</summary>
    public static int CompleteCount(DateTimeOffset from, DateTimeOffset now)
    {
        var first = Ceiling(from);
        return now < first ? 0 : (int)((now.UtcTicks - first.UtcTicks) / TimeSpan.TicksPerMinute);
    }

    public static int WholeMinutes(TimeSpan span) => (int)Math.Ceiling(span.TotalMinutes);
}
