using ShipRoom.Core.Judgement;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// The engine's whole answer for a rollout at one moment: every gate, every trigger, the canary score, whether the
/// phase may advance and what to recommend. Serialisable as it is (the API, the hub and `shiproom evaluate` send it).
/// </summary>
public sealed record RolloutVerdict(
    DateTimeOffset EvaluatedAt,
    int PhaseIndex,
    string PhaseName,
    GateStatus Overall,
    IReadOnlyList<GateVerdict> Gates,
    IReadOnlyList<TriggerVerdict> Triggers,
    CanaryScore Judgement,
    AdvanceVerdict Advance,
    Recommendation Recommendation)
{
    /// <summary>Each declared SLO's error budget: spent during the rollout, remaining, burn rates.</summary>
    public IReadOnlyList<BudgetStatus> Budgets { get; init; } = [];

    public string OverallText => Overall.ToText();

    public IEnumerable<TriggerVerdict> FiredTriggers => Triggers.Where(t => t.State == TriggerState.Fired);
}
