using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;
using ShipRoom.Infrastructure.MetricSources.Simulation;

namespace ShipRoom.Infrastructure.Demo;

/// <summary>
/// ShipRoom:Demo: the demo rollout `dotnet run` starts so the dashboard is alive from the first second. It runs a
/// shipped plan on the simulator, its clock <see cref="TimeFactor"/> times faster than the wall clock, and starts
/// again when it ends.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = ConfigurationKeys.DemoSection;

    public bool Enabled { get; set; }

    /// <summary>The plan file, relative to the app's folder.</summary>
    public string PlanFile { get; set; } = "plans/directive-004-ramp-1-10-25-50-100.yaml";

    public string Scenario { get; set; } = "healthy";

    public int ScenarioStartsAtPhase { get; set; } = 2;

    public double TimeFactor { get; set; } = 10;

    public int Seed { get; set; } = 20261125;

    public string PlanPath => Path.IsPathRooted(PlanFile) ? PlanFile : Path.Combine(AppContext.BaseDirectory, PlanFile);
}

public sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.DemoSection);
        if (!options.Enabled)
        {
            return problems.Result;
        }

        if (string.IsNullOrWhiteSpace(options.PlanFile) || !File.Exists(options.PlanPath))
        {
            problems.Add($"{problems.Key(nameof(options.PlanFile))} '{options.PlanFile}' is not a file (looked in {AppContext.BaseDirectory}); name a plan such as plans/directive-004-ramp-1-10-25-50-100.yaml, or set {ConfigurationKeys.DemoEnabled} to false.");
        }

        if (!SimulatorScenarioNames.TryParse(options.Scenario, out _))
        {
            problems.Add($"{problems.Key(nameof(options.Scenario))} must be one of {string.Join(", ", SimulatorScenarioNames.All)}, was '{options.Scenario}'.");
        }

        problems.Range(nameof(options.ScenarioStartsAtPhase), options.ScenarioStartsAtPhase, 0, 20);
        problems.Range(nameof(options.TimeFactor), options.TimeFactor, 0.1, 1000);
        return problems.Result;
    }
}
