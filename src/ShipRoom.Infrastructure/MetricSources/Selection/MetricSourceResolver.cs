using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.MetricSources.Prometheus;
using ShipRoom.Infrastructure.MetricSources.Simulation;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.MetricSources.Selection;

public static class MetricSourceNames
{
    public const string Simulator = "simulator";
    public const string Prometheus = "prometheus";

    public static IReadOnlyList<string> All { get; } = [Simulator, Prometheus];
}

/// <summary>The metric source a rollout names: the simulator with its scenario, or the configured Prometheus.</summary>
public sealed class MetricSourceResolver(IServiceProvider services, Microsoft.Extensions.Options.IOptions<PrometheusOptions> prometheus)
{
    /// <summary>
    /// Why a rollout of <paramref name="plan"/> could not read its metrics from <paramref name="source"/>, or null when it can:
    /// a rollout that would only ever see NO DATA is refused before it starts, not shown as calm.
    /// </summary>
    public string? WhyNotReady(string source, Core.Plans.RolloutPlan plan)
    {
        if (!string.Equals(source, MetricSourceNames.Prometheus, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(prometheus.Value.BaseUrl))
        {
            return "the Prometheus metric source is not configured: set ShipRoom:Prometheus:BaseUrl (e.g. http://prometheus:9090) and restart, or use the simulator";
        }

        var missing = plan.Metrics.Where(m => !m.Queries.ContainsKey(MetricSourceNames.Prometheus)).Select(m => m.Key).ToList();
        return missing.Count == 0 ? null
            : $"the plan has no Prometheus query for {missing.Count} metric(s) ({string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}): add 'queries: prometheus:' to each";
    }

    public IMetricSource For(RolloutRecord rollout)
    {
        if (string.Equals(rollout.MetricSource, MetricSourceNames.Prometheus, StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<PrometheusMetricSource>();
        }

        var settings = RolloutSourceSettings.FromJson(rollout.SourceSettings);
        SimulatorScenarioNames.TryParse(settings.Scenario, out var scenario);
        return new SimulatedMetricSource(scenario, settings.ScenarioStartsAtPhase, settings.Seed);
    }
}
