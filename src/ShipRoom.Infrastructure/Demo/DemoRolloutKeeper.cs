using ShipRoom.Infrastructure.MetricSources.Selection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Demo;

/// <summary>Keeps one live demo rollout when the demo is enabled: starts one at start-up and another after one ends.</summary>
public sealed class DemoRolloutKeeper(IRolloutRepository rollouts, RolloutService service, IOptions<DemoOptions> options, ILogger<DemoRolloutKeeper> logger)
{
    public const string DemoActor = Freezes.FreezeService.DemoActor;

    public async Task<long?> EnsureAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled)
        {
            return null;
        }

        var existing = (await rollouts.ListAsync(cancellationToken)).FirstOrDefault(r => r.CreatedBy == DemoActor && !RolloutStateMachine.IsFinished(r.Status));
        if (existing is not null)
        {
            return existing.Id;
        }

        var path = demo.PlanPath;
        if (!File.Exists(path))
        {
            logger.LogWarning("Demo plan {PlanFile} not found; no demo rollout started", demo.PlanFile);
            return null;
        }

        var settings = new RolloutSourceSettings(demo.Scenario, demo.ScenarioStartsAtPhase, demo.Seed, AutoAdvance: true, SimulatedProbes: true);
        var result = await service.CreateAsync(await File.ReadAllTextAsync(path, cancellationToken), Path.GetFileName(path), new CommandActor(DemoActor, [], IsAutomatic: true),
            new NewRolloutOptions(MetricSourceNames.Simulator, settings, demo.TimeFactor, StartedAgo: TimeSpan.FromMinutes(5)), cancellationToken);
        if (!result.Created)
        {
            logger.LogError("The demo plan does not load: {Problems}", string.Join("; ", result.Problems.Take(5)));
        }

        return result.RolloutId;
    }
}
