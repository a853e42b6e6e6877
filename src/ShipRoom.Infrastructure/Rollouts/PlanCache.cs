using Microsoft.Extensions.Caching.Memory;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// Parsed plans by content hash: a rollout's plan never changes, so it is parsed once, and the plans least used lately
/// make room when more than <see cref="Capacity"/> are held (the demo starts a rollout after another, forever).
/// </summary>
public sealed class PlanCache : IDisposable
{
    public const int Capacity = 256;

    private readonly MemoryCache _plans = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.25 });

    public int Count => _plans.Count;

    public RolloutPlan Get(RolloutRecord rollout) =>
        _plans.GetOrCreate(rollout.PlanHash, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromHours(6);
            var result = PlanParser.Parse(rollout.PlanYaml, $"rollout {rollout.Id} plan");
            return result.Plan ?? throw new InvalidOperationException($"The stored plan of rollout {rollout.Id} no longer parses: {string.Join("; ", result.Problems.Take(3))}");
        })!;

    public void Dispose() => _plans.Dispose();
}
