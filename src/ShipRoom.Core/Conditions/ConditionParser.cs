using System.Globalization;
using System.Text.RegularExpressions;

namespace ShipRoom.Core.Conditions;

/// <summary>
/// Reads the condition wording plans use:
/// <list type="bullet">
/// <item>"&lt;= 130 ms", "&gt;= 99.5 %", "&lt; 4 x", "&gt; 0.5%" — the canary against a limit;</item>
/// <item>"within 5% of control", "within ±5% of control", "within 1pp of control", "within 3 sigma of control";</item>
/// <item>"beyond 3 sigma of control" — either way; "more than 5% worse than control" — in the metric's bad direction;</item>
/// <item>"no more than 0.5pp worse than control" (or "at most ...") — a one-sided pass: any distance the good way passes.</item>
/// </list>
/// </summary>
public static partial class ConditionParser
{
    public static bool TryParse(string? text, out Condition? condition, out string? problem)
    {
        condition = null;
        problem = null;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            problem = "the condition is empty";
            return false;
        }

        var absolute = Absolute().Match(trimmed);
        if (absolute.Success)
        {
            if (!TryNumber(absolute.Groups["value"].Value, out var threshold))
            {
                problem = $"'{absolute.Groups["value"].Value}' is not a number";
                return false;
            }

            var op = absolute.Groups["op"].Value switch
            {
                "<=" or "≤" => ComparisonOperator.LessOrEqual,
                ">=" or "≥" => ComparisonOperator.GreaterOrEqual,
                "<" => ComparisonOperator.Less,
                _ => ComparisonOperator.Greater,
            };
            var unit = absolute.Groups["unit"].Value.Trim();
            condition = new AbsoluteCondition(trimmed, op, threshold, unit.Length == 0 ? null : NormaliseUnit(unit));
            return true;
        }

        var relative = Relative().Match(trimmed);
        if (relative.Success)
        {
            if (!TryNumber(relative.Groups["value"].Value, out var limit) || limit < 0)
            {
                problem = $"'{relative.Groups["value"].Value}' is not a non-negative number";
                return false;
            }

            var mode = relative.Groups["mode"].Value.ToLowerInvariant() switch
            {
                "within" => RelativeMode.Within,
                _ => RelativeMode.Beyond,
            };
            condition = new RelativeCondition(trimmed, mode, limit, ParseRelativeUnit(relative.Groups["unit"].Value));
            return true;
        }

        var notWorse = NotWorse().Match(trimmed);
        if (notWorse.Success)
        {
            if (!TryNumber(notWorse.Groups["value"].Value, out var limit) || limit < 0)
            {
                problem = $"'{notWorse.Groups["value"].Value}' is not a non-negative number";
                return false;
            }

            condition = new RelativeCondition(trimmed, RelativeMode.NotWorse, limit, ParseRelativeUnit(notWorse.Groups["unit"].Value));
            return true;
        }

        var worse = Worse().Match(trimmed);
        if (worse.Success)
        {
            if (!TryNumber(worse.Groups["value"].Value, out var limit) || limit < 0)
            {
                problem = $"'{worse.Groups["value"].Value}' is not a non-negative number";
                return false;
            }

            condition = new RelativeCondition(trimmed, RelativeMode.Worse, limit, ParseRelativeUnit(worse.Groups["unit"].Value));
            return true;
        }

        problem = $"'{trimmed}' is not a condition ShipRoom understands: write e.g. '<= 130 ms', 'within 5% of control', 'within 1pp of control', 'beyond 3 sigma of control', 'more than 5% worse than control' or 'no more than 0.5pp worse than control'";
        return false;
    }

    /// <summary>The unit spellings a plan may use, normalised so "ms" and "milliseconds" compare equal.</summary>
    public static string NormaliseUnit(string unit) => unit.Trim().ToLowerInvariant() switch
    {
        "ms" or "millisecond" or "milliseconds" => "ms",
        "s" or "sec" or "second" or "seconds" => "s",
        "%" or "percent" or "pct" => "%",
        "x" or "×" or "times" or "ratio" => "x",
        "$" or "usd" or "dollar" or "dollars" => "usd",
        "rps" or "req/s" => "rps",
        var other => other,
    };

    private static RelativeUnit ParseRelativeUnit(string unit) => unit.Trim().ToLowerInvariant() switch
    {
        "%" or "percent" => RelativeUnit.Percent,
        "pp" or "points" or "percentage points" => RelativeUnit.Points,
        _ => RelativeUnit.Sigma,
    };

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"^(?<op><=|>=|≤|≥|<|>)\s*(?<value>[-+]?[0-9][0-9_]*(\.[0-9]+)?)\s*(?<unit>[A-Za-z%$×/]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Absolute();

    [GeneratedRegex(@"^(?<mode>within|beyond|more than)\s+±?\s*(?<value>[0-9][0-9_]*(\.[0-9]+)?)\s*(?<unit>%|pp|percentage points|points|sigma|σ)\s+(of|from)\s+control$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    [GeneratedRegex(@"^(no more than|at most)\s+(?<value>[0-9][0-9_]*(\.[0-9]+)?)\s*(?<unit>%|pp|points|sigma|σ)\s+worse\s+than\s+control$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NotWorse();

    [GeneratedRegex(@"^(more than\s+)?(?<value>[0-9][0-9_]*(\.[0-9]+)?)\s*(?<unit>%|pp|points)\s+worse\s+than\s+control$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Worse();
}
