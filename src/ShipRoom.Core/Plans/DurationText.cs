using System.Globalization;
using System.Text.RegularExpressions;

namespace ShipRoom.Core.Plans;

/// <summary>Durations as plans write them: "90m", "2h", "1h30m", "45s", "500ms", "-2h" (before T-0).</summary>
public static partial class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match((text ?? "").Trim());
        if (!match.Success || match.Groups["part"].Captures.Count == 0)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var milliseconds = part.Value.EndsWith("ms", StringComparison.Ordinal);
            var unit = milliseconds ? 'f' : part.Value[^1];
            var amount = double.Parse(part.Value[..^(milliseconds ? 2 : 1)], CultureInfo.InvariantCulture);
            duration += unit switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'f' => TimeSpan.FromMilliseconds(amount),
                _ => TimeSpan.FromSeconds(amount),
            };
        }

        if (match.Groups["sign"].Value == "-")
        {
            duration = -duration;
        }

        return true;
    }

    public static string Format(TimeSpan duration)
    {
        var sign = duration < TimeSpan.Zero ? "-" : "";
        duration = duration.Duration();
        if (duration.TotalMinutes < 1)
        {
            return $"{sign}{duration.TotalSeconds:0}s";
        }

        var hours = (int)duration.TotalHours;
        var minutes = duration.Minutes;
        return sign + (hours > 0 ? $"{hours}h" : "") + (minutes > 0 || hours == 0 ? $"{minutes}m" : "");
    }

    [GeneratedRegex(@"^(?<sign>[-+])?\s*(?:(?<part>[0-9]+(?:\.[0-9]+)?(?:ms|[dhms]))\s*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
