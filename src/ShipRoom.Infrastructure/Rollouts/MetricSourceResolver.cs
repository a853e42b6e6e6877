using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.MetricSources.Prometheus;
using ShipRoom.Infrastructure.MetricSources.Simulation;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

public static class MetricSourceNames
{
    public const string Simulator = "simulator";
    public const string Prometheus = "prometheus";

    public static IReadOnlyList<string> All { get; } = [Simulator, Prometheus];
}

/// <summary>The metric source a rollout names: the simulator with its scenario, or the configured Prometheus.</summary>
public sealed class MetricSourceResolver(IServiceProvider services)
{
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
