using System.Globalization;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>How numbers, deltas, durations and statuses read on the dashboard.</summary>
public static class Format
{
    public static string Value(double? value, string unit) => Core.NumberText.WithUnit(value, unit);

    public static string Delta(double? percent) => percent switch
    {
        null => "—",
        var p when Math.Abs(p.Value) < 0.005 => "±0%",
        var p => (p > 0 ? "+" : "−") + Math.Abs(p.Value).ToString("0.##", CultureInfo.InvariantCulture) + "%",
    };

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalMinutes < 1 ? $"{span.TotalSeconds:0}s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m"
            : $"{(int)span.TotalHours}h {span.Minutes:00}m";
    }

    public static string ShortSha(string commit) => commit.Length > 10 ? commit[..10] : commit;

    public static string Phase(RolloutSnapshot snapshot) =>
        $"{snapshot.CurrentPhase.Name} of traffic — phase {snapshot.PhaseIndex + 1} of {snapshot.Phases.Count}";
}
