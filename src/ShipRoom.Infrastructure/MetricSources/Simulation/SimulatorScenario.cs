namespace ShipRoom.Infrastructure.MetricSources.Simulation;

/// <summary>What goes wrong with the canary (from the phase the scenario switches on at).</summary>
public enum SimulatorScenario
{
    Healthy,
    LatencyRegression,
    PaymentFailures,
    CacheRegression,
    CostDrift,
    Flapping,
    DataGap,
    ErrorSpike,

    /// <summary>Payments over the per-transaction cap: the canary's largest payment is $25 every minute (cap $20).</summary>
    PaymentCapBreach,
}

public static class SimulatorScenarioNames
{
    /// <summary>The kebab-case names used in configuration and the UI, e.g. "latency-regression".</summary>
    public static string ToName(this SimulatorScenario scenario) => scenario switch
    {
        SimulatorScenario.Healthy => "healthy",
        SimulatorScenario.LatencyRegression => "latency-regression",
        SimulatorScenario.PaymentFailures => "payment-failures",
        SimulatorScenario.CacheRegression => "cache-regression",
        SimulatorScenario.CostDrift => "cost-drift",
        SimulatorScenario.Flapping => "flapping",
        SimulatorScenario.DataGap => "data-gap",
        SimulatorScenario.ErrorSpike => "error-spike",
        SimulatorScenario.PaymentCapBreach => "payment-cap-breach",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    // Every poll of a simulated rollout reads its scenario by name: looked up, not found by formatting every member.
    private static readonly Dictionary<string, SimulatorScenario> ByName = Enum.GetValues<SimulatorScenario>()
        .SelectMany(s => new[] { (Name: s.ToName(), Scenario: s), (Name: s.ToString(), Scenario: s) })
        .DistinctBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(n => n.Name, n => n.Scenario, StringComparer.OrdinalIgnoreCase);

    public static bool TryParse(string? name, out SimulatorScenario scenario)
    {
        if (name is not null && ByName.TryGetValue(name, out scenario))
        {
            return true;
        }

        scenario = SimulatorScenario.Healthy;
        return false;
    }

    public static IReadOnlyList<string> All { get; } = Enum.GetValues<SimulatorScenario>().Select(s => s.ToName()).ToList();
}
