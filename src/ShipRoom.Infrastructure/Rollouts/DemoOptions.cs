namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// ShipRoom:Demo: the demo rollout `dotnet run` starts so the dashboard is alive from the first second. It runs a
/// shipped plan on the simulator, its clock <see cref="TimeFactor"/> times faster than the wall clock, and starts
/// again when it ends.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "ShipRoom:Demo";

    public bool Enabled { get; set; }

    /// <summary>The plan file, relative to the app's folder.</summary>
    public string PlanFile { get; set; } = "plans/one-10-25-50-100.yaml";

    public string Scenario { get; set; } = "healthy";

    public int ScenarioStartsAtPhase { get; set; } = 2;

    public double TimeFactor { get; set; } = 10;

    public int Seed { get; set; } = 20261125;
}
