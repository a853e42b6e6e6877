using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// A rollout's own time. Production rollouts run on the wall clock; the demo runs <see cref="RolloutRecord.TimeFactor"/>
/// times faster from <see cref="RolloutRecord.ClockOrigin"/>, so it walks through every phase in minutes.
/// </summary>
public static class RolloutClock
{
    public static DateTimeOffset Now(RolloutRecord rollout, DateTimeOffset wallNow)
    {
        if (rollout.TimeFactor <= 1 || rollout.ClockOrigin is null)
        {
            return wallNow;
        }

        var elapsed = wallNow - rollout.CreatedAt;
        return rollout.ClockOrigin.Value + TimeSpan.FromTicks((long)(elapsed.Ticks * rollout.TimeFactor));
    }

    /// <summary>How much wall time a span of rollout time takes (for scheduling the next poll).</summary>
    public static TimeSpan ToWall(RolloutRecord rollout, TimeSpan rolloutSpan) =>
        rollout.TimeFactor <= 1 ? rolloutSpan : TimeSpan.FromTicks((long)(rolloutSpan.Ticks / rollout.TimeFactor));
}
