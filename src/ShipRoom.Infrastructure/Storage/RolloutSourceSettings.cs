using System.Text.Json;
using ShipRoom.Core;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// How a rollout reads its metrics and runs its probes, stored with it as JSON (never a secret: credentials live in
/// configuration). <see cref="AutoAdvance"/> lets the demo walk itself through its phases when the engine says GO.
/// <see cref="SimulatedProbes"/> unset means: simulated for a simulator rollout (its probe targets are fictional and
/// must never be called), real HTTP for any other.
/// </summary>
public sealed record RolloutSourceSettings(
    string Scenario = "healthy",
    int ScenarioStartsAtPhase = 0,
    int Seed = 20261125,
    bool AutoAdvance = false,
    bool? SimulatedProbes = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, ShipRoomJson.Options);

    public static RolloutSourceSettings FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new RolloutSourceSettings() : JsonSerializer.Deserialize<RolloutSourceSettings>(json, ShipRoomJson.Options) ?? new RolloutSourceSettings();
}
