using System.Text.RegularExpressions;

namespace ShipRoom.Core.Plans;

/// <summary>
/// The rules of a plan's query templates, shared by the linter and the metric sources: <c>{{cohort}}</c> is the
/// cohort's label value; <c>{{journey}}</c> is the journey. The overall series of a metric measured per journey is read
/// with the journey's label matcher dropped (every journey together), unless the metric gives an explicit overall query.
/// </summary>
public static partial class QueryTemplates
{
    public const string Cohort = "{{cohort}}";

    public const string Journey = "{{journey}}";

    /// <summary>
    /// The template for the overall series: the template itself when it does not name <c>{{journey}}</c>; otherwise
    /// with every label matcher whose value names it removed (<c>{track="{{cohort}}",journey="{{journey}}"}</c> becomes
    /// <c>{track="{{cohort}}"}</c>, so a sum over the selector adds every journey). Null when <c>{{journey}}</c> is used
    /// anywhere else: such a template cannot be read overall without an explicit overall query.
    /// </summary>
    public static string? OverallOf(string template)
    {
        if (!template.Contains(Journey, StringComparison.Ordinal))
        {
            return template;
        }

        var dropped = JourneyMatcher().Replace(template, "");
        if (dropped.Contains(Journey, StringComparison.Ordinal))
        {
            return null;
        }

        dropped = OpeningComma().Replace(dropped, "{");
        dropped = ClosingComma().Replace(dropped, "}");
        return DoubleComma().Replace(dropped, ",");
    }

    /// <summary>What is wrong with a metric's query for a source, in words; null when it reads every series the metric has.</summary>
    public static string? Problem(string template, IReadOnlyList<string> journeys, bool hasOverallQuery)
    {
        var namesJourney = template.Contains(Journey, StringComparison.Ordinal);
        if (journeys.Count > 0 && !namesJourney)
        {
            return $"the metric is measured per journey ({string.Join(", ", journeys)}) but the query does not name {Journey}: every journey would read the same series as the overall one";
        }

        if (namesJourney && journeys.Count == 0)
        {
            return $"the query names {Journey} but the metric has no journeys: add journeys: [...] or remove the journey matcher";
        }

        if (namesJourney && !hasOverallQuery && OverallOf(template) is null)
        {
            return $"{Journey} is used outside a label matcher (e.g. journey=\"{Journey}\"), so the overall series cannot be read: give overallQueries: for this source";
        }

        return null;
    }

    // A label matcher whose quoted value names {{journey}}, with the comma that joined it to the matcher before it.
    [GeneratedRegex("""\s*,?\s*[A-Za-z_][A-Za-z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*\{\{journey\}\}(?:[^"\\]|\\.)*"\s*""", RegexOptions.CultureInvariant)]
    private static partial Regex JourneyMatcher();

    [GeneratedRegex(@"\{\s*,\s*", RegexOptions.CultureInvariant)]
    private static partial Regex OpeningComma();

    [GeneratedRegex(@"\s*,\s*\}", RegexOptions.CultureInvariant)]
    private static partial Regex ClosingComma();

    [GeneratedRegex(@",\s*,", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleComma();
}
