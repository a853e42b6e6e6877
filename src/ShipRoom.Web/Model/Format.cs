using System.Globalization;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Model;

/// <summary>How numbers, deltas, durations and statuses read on the dashboard.</summary>
public static class Format
{
    public static string Value(double? value, string unit) => Core.NumberText.WithUnit(value, unit);

    public static string Delta(double? percent) => Core.NumberText.Delta(percent);

    public static string Duration(TimeSpan span) => Core.NumberText.Duration(span);

    public static string ShortSha(string commit) => commit.Length > 10 ? commit[..10] : commit;

    public static string Phase(RolloutSnapshot snapshot) =>
        $"{snapshot.CurrentPhase.Name} of traffic — phase {snapshot.PhaseIndex + 1} of {snapshot.Phases.Count}";
}
