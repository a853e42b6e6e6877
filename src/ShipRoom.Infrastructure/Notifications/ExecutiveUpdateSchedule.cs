using Quartz;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>One scheduled executive update due: which (its index in the plan), when it fell due, and that time as the executive reads it.</summary>
public sealed record ExecutiveSlot(int Index, ExecutiveUpdate Update, DateTimeOffset DueAt, string LocalText, string ZoneText);

/// <summary>
/// When the plan's executive updates fall due, on the wall clock (they are people's local times of day, whatever the
/// demo clock does): each time of day is a Quartz cron expression (<c>0 m h ? * *</c>) in the update's time zone, so
/// daylight saving is Quartz's. Only the latest slot of each update is ever due, and only within the look-back: an
/// instance that was down does not post a backlog of stale updates.
/// </summary>
public static class ExecutiveUpdateSchedule
{
    public static IReadOnlyList<ExecutiveSlot> Due(RolloutSnapshot snapshot, RolloutPlan plan, IReadOnlyList<DecisionRecord> decisions, DateTimeOffset wallNow, TimeSpan lookBack)
    {
        var slots = new List<ExecutiveSlot>();
        for (var i = 0; i < plan.ExecutiveUpdates.Count; i++)
        {
            var update = plan.ExecutiveUpdates[i];
            if (Window(update, snapshot, decisions, wallNow) is not { } window)
            {
                continue;
            }

            var (zone, zoneText) = ZoneOf(update, snapshot);
            var latest = update.At.Select(at => LatestFire(at, zone, wallNow)).Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty().Max();
            if (latest == default || latest < window.From || latest > window.To || latest < wallNow - lookBack)
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTime(latest, zone);
            slots.Add(new ExecutiveSlot(i, update, latest, $"{local:yyyy-MM-dd HH:mm}", zoneText));
        }

        return slots;
    }

    /// <summary>The stable outbox key of a slot: the same on every instance and after a restart.</summary>
    public static string KeyOf(long rolloutId, ExecutiveSlot slot) => $"exec-update:{rolloutId}:{slot.Index}:{slot.DueAt.UtcDateTime:yyyyMMdd'T'HHmm'Z'}";

    /// <summary>Whether a rollout that has ended may still have executive updates due (the ones after completion).</summary>
    public static bool MayBeDueAfterEnd(RolloutPlan plan, RolloutRecord rollout, DateTimeOffset wallNow) =>
        rollout.Status == RolloutStatus.Completed
        && plan.ExecutiveUpdates.Where(u => u.From == ExecutiveUpdate.FromCompletion).Select(u => u.For ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max() is var longest
        && wallNow - rollout.UpdatedAt <= longest;

    private static (DateTimeOffset From, DateTimeOffset To)? Window(ExecutiveUpdate update, RolloutSnapshot snapshot, IReadOnlyList<DecisionRecord> decisions, DateTimeOffset wallNow)
    {
        DateTimeOffset? ExecutedAt(RolloutCommand kind) =>
            decisions.Where(d => d.Kind == kind && d.Outcome == DecisionOutcome.Executed).Select(d => (DateTimeOffset?)d.RequestedAt).Max();

        if (update.From == ExecutiveUpdate.FromCompletion)
        {
            return snapshot.Status == RolloutStatus.Completed && ExecutedAt(RolloutCommand.Complete) is { } completed
                ? (completed, completed + (update.For ?? TimeSpan.Zero))
                : null;
        }

        if (!snapshot.IsLive || snapshot.Phases.FirstOrDefault()?.StartedAt is null)
        {
            return null;
        }

        // The start decision is among the recent ones unless the rollout is long under way, when any slot is after it.
        return (ExecutedAt(RolloutCommand.Start) ?? DateTimeOffset.MinValue, update.For is { } span && ExecutedAt(RolloutCommand.Start) is { } started ? started + span : wallNow);
    }

    private static (TimeZoneInfo Zone, string Text) ZoneOf(ExecutiveUpdate update, RolloutSnapshot snapshot)
    {
        var name = update.TimeZone;
        if (name == ExecutiveUpdate.ExecutiveZone)
        {
            name = snapshot.Roster.FirstOrDefault(r => r.ShipRoomRole == Roles.ExecutiveApprover)?.Entry?.PrimaryTimeZone;
            if (string.IsNullOrWhiteSpace(name))
            {
                return (TimeZoneInfo.Utc, "UTC (the roster gives the executive no time zone)");
            }
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? (zone, name) : (TimeZoneInfo.Utc, $"UTC ('{name}' is not a time zone)");
    }

    private static DateTimeOffset? LatestFire(TimeOnly at, TimeZoneInfo zone, DateTimeOffset now)
    {
        var cron = new CronExpression($"0 {at.Minute} {at.Hour} ? * *", zone);
        DateTimeOffset? latest = null;
        // A daily expression fires at most twice in 25 hours (a DST day): the loop is bounded.
        for (var next = cron.GetNextValidTimeAfter(now.AddHours(-25)); next is { } fire && fire <= now; next = cron.GetNextValidTimeAfter(fire))
        {
            latest = fire;
        }

        return latest;
    }
}
