using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Infrastructure.MetricSources.Prometheus;

/// <summary>
/// Fills a plan's PromQL template: {{cohort}} with the cohort's label value, {{journey}} with the journey. For the
/// overall series (no journey) the label matchers that name {{journey}} are dropped, so the query reads every journey
/// together (see <see cref="QueryTemplates.OverallOf"/> and docs/plans.md).
/// </summary>
public static class PromQlTemplate
{
    public static string Render(string template, Cohort cohort, string? journey, PrometheusOptions options)
    {
        var cohortLabel = cohort == Cohort.Canary ? options.CanaryLabel : options.ControlLabel;
        if (journey is null)
        {
            template = QueryTemplates.OverallOf(template)
                ?? throw new ArgumentException($"the query names {QueryTemplates.Journey} outside a label matcher, so the overall series cannot be read: give the metric an overallQueries: prometheus: query");
        }

        return template
            .Replace(QueryTemplates.Cohort, Escape(cohortLabel), StringComparison.Ordinal)
            .Replace(QueryTemplates.Journey, Escape(journey ?? ""), StringComparison.Ordinal);
    }

    // Label values sit inside double quotes in PromQL; keep a value from closing them.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
