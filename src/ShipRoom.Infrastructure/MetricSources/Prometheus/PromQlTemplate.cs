using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.MetricSources.Prometheus;

/// <summary>Fills a plan's PromQL template: {{cohort}} with the cohort's label value, {{journey}} with the journey.</summary>
public static class PromQlTemplate
{
    public static string Render(string template, Cohort cohort, string? journey, PrometheusOptions options)
    {
        var cohortLabel = cohort == Cohort.Canary ? options.CanaryLabel : options.ControlLabel;
        var rendered = template.Replace("{{cohort}}", Escape(cohortLabel), StringComparison.Ordinal);
        if (rendered.Contains("{{journey}}", StringComparison.Ordinal))
        {
            if (journey is null)
            {
                throw new ArgumentException("the query names {{journey}} but the series is the overall one");
            }

            rendered = rendered.Replace("{{journey}}", Escape(journey), StringComparison.Ordinal);
        }

        return rendered;
    }

    // Label values sit inside double quotes in PromQL; keep a value from closing them.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
