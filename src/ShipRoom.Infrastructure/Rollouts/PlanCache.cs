using System.Collections.Concurrent;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>Parsed plans by content hash: a rollout's plan never changes, so it is parsed once per process.</summary>
public sealed class PlanCache
{
    private const int Capacity = 256;
    private readonly ConcurrentDictionary<string, RolloutPlan> _plans = new(StringComparer.Ordinal);

    public RolloutPlan Get(RolloutRecord rollout)
    {
        if (_plans.TryGetValue(rollout.PlanHash, out var plan))
        {
            return plan;
        }

        var result = PlanParser.Parse(rollout.PlanYaml, $"rollout {rollout.Id} plan");
        if (result.Plan is null)
        {
            throw new InvalidOperationException($"The stored plan of rollout {rollout.Id} no longer parses: {string.Join("; ", result.Problems.Take(3))}");
        }

        if (_plans.Count >= Capacity)
        {
            _plans.Clear();
        }

        _plans[rollout.PlanHash] = result.Plan;
        return result.Plan;
    }
}
