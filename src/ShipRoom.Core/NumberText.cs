using System.Globalization;

namespace ShipRoom.Core;

/// <summary>A measured value as ShipRoom writes it in reasons, posts, reports and on the dashboard.</summary>
public static class NumberText
{
    /// <summary>Up to three decimals, "—" when missing.</summary>
    public static string Plain(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";

    /// <summary>
    /// A value in its metric's unit, precision by magnitude: "119 ms", "99.75%", "4.6×", "$0.042", "—" when missing.
    /// Beside a limit, the value gets the decimals it needs to differ from it ("120.01 ms" fails "&lt;= 120 ms", never "120 ms").
    /// </summary>
    public static string WithUnit(double? value, string unit, decimal? distinctFrom = null)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return "—";
        }

        var decimals = Math.Abs(v) switch
        {
            >= 1000 => 0,
            >= 100 => 1,
            >= 1 => 2,
            _ => 4,
        };
        var number = Round(v, decimals);
        if (distinctFrom is { } limit && (decimal)Math.Round(v, 12) != limit)
        {
            while (decimals < 9 && decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var shown) && shown == limit)
            {
                number = Round(v, ++decimals);
            }
        }

        if (Math.Abs(v) >= 1000)
        {
            number = double.Parse(number, CultureInfo.InvariantCulture).ToString("#,0." + new string('#', decimals), CultureInfo.InvariantCulture);
        }

        return unit switch
        {
            "" or "count" => number,
            "%" => number + "%",
            "x" => number + "×",
            "usd" => "$" + number,
            _ => $"{number} {unit}",
        };
    }

    private static string Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0." + new string('#', Math.Max(1, decimals)), CultureInfo.InvariantCulture);

    /// <summary>A signed difference in a metric's unit: "+2.35pp" for percentages, "+12 ms", "−0.4×".</summary>
    public static string SignedDifference(double value, string unit)
    {
        var sign = value > 0 ? "+" : value < 0 ? "−" : "±";
        var magnitude = Math.Abs(value).ToString(Math.Abs(value) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);
        return unit switch
        {
            "%" => $"{sign}{magnitude}pp",
            "" or "count" => sign + magnitude,
            "x" => $"{sign}{magnitude}×",
            "usd" => $"{sign}${magnitude}",
            _ => $"{sign}{magnitude} {unit}",
        };
    }

    /// <summary>A signed percentage: "+15%", "−2.4%".</summary>
    public static string SignedPercent(double value) => double.IsInfinity(value)
        ? (value > 0 ? "+∞%" : "−∞%")
        : (value > 0 ? "+" : value < 0 ? "−" : "±") + Math.Abs(value).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>A change against control in percent: "+12.5%", "−3%", "±0%"; "—" when missing.</summary>
    public static string Delta(double? percent) => percent switch
    {
        null => "—",
        var p when Math.Abs(p.Value) < 0.005 => "±0%",
        var p => (p > 0 ? "+" : "−") + Math.Abs(p.Value).ToString("0.##", CultureInfo.InvariantCulture) + "%",
    };

    /// <summary>A span as people read it on a dashboard: "45s", "12m", "2h 05m".</summary>
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
}
