namespace ShipRoom.Infrastructure.MetricSources.Simulation;

/// <summary>ShipRoom:Simulator: the built-in metric source of the embedded default and the demo rollout.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "ShipRoom:Simulator";

    /// <summary>healthy, latency-regression, payment-failures, cache-regression, cost-drift, flapping or data-gap.</summary>
    public string Scenario { get; set; } = "healthy";

    /// <summary>The phase index (0 = first phase) from which the scenario's fault shows in the canary.</summary>
    public int ScenarioStartsAtPhase { get; set; }

    /// <summary>The same seed replays the same values minute for minute.</summary>
    public int Seed { get; set; } = 20261125;
}
