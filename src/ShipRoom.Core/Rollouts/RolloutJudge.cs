using System.Globalization;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Rollouts;

/// <summary>
/// A command ShipRoom gives by itself because of a verdict. <see cref="Trigger"/> is the fired trigger behind a hold
/// or a rollback.
/// </summary>
public sealed record AutomaticDecision(RolloutCommand Command, string Reason, TriggerVerdict? Trigger)
{
    /// <summary>
    /// What makes two automatic decisions the same one: a trigger acts once per firing, a phase is left once, a
    /// rollout completes once. The command service refuses a second decision under the same key.
    /// </summary>
    public string IdempotencyKey(long rolloutId, int phaseIndex) => Command switch
    {
        RolloutCommand.Hold or RolloutCommand.RollBack =>
            $"trigger:{rolloutId}:{Command.ToString().ToLowerInvariant()}:{Trigger?.Key}:{Trigger?.FiredAt?.ToString("O", CultureInfo.InvariantCulture)}",
        RolloutCommand.Complete => $"auto-complete:{rolloutId}",
        RolloutCommand.Advance => $"auto-advance:{rolloutId}:{phaseIndex}",
        _ => $"auto-{Command}:{rolloutId}:{phaseIndex}",
    };
}

/// <summary>
/// Which automatic command follows a verdict for a rollout in a given state. The live poller and the replay of a
/// recorded rollout both ask here, so they decide alike. Triggers outrank gates and schedules: a fired rollback
/// trigger rolls back from any live state (held included), a fired hold trigger holds a running or stabilising
/// rollout; GO completes a stabilising rollout, and advances a running one where the rollout advances by itself.
/// </summary>
public static class RolloutJudge
{
    /// <param name="autoAdvance">Whether the rollout walks itself to the next phase on GO (the demo does); otherwise a person advances.</param>
    public static AutomaticDecision? Decide(RolloutPlan plan, RolloutVerdict verdict, RolloutState state, bool autoAdvance)
    {
        if (RolloutStateMachine.IsFinished(state.Status))
        {
            return null;
        }

        var fired = verdict.FiredTriggers.ToList();
        if (fired.FirstOrDefault(t => t.Action == TriggerAction.Rollback) is { } rollback)
        {
            return new AutomaticDecision(RolloutCommand.RollBack, Describe(rollback), rollback);
        }

        if (fired.FirstOrDefault(t => t.Action == TriggerAction.Hold) is { } hold && state.Status is RolloutStatus.Running or RolloutStatus.Stabilising)
        {
            return new AutomaticDecision(RolloutCommand.Hold, Describe(hold), hold);
        }

        if (verdict.Recommendation.Kind != RecommendationKind.Go)
        {
            return null;
        }

        return state.Status switch
        {
            RolloutStatus.Stabilising => new AutomaticDecision(RolloutCommand.Complete, $"stable at {plan.Phases[state.PhaseIndex].Name} for the stabilisation window", null),
            RolloutStatus.Running when autoAdvance => new AutomaticDecision(RolloutCommand.Advance, string.Join("; ", verdict.Recommendation.Reasons), null),
            _ => null,
        };
    }

    private static string Describe(TriggerVerdict trigger) => $"trigger {trigger.Reason}";
}
