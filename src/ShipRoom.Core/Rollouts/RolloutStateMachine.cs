namespace ShipRoom.Core.Rollouts;

/// <summary>
/// Draft → Scheduled → Running(phase i) ⇄ Held → RollingBack → RolledBack; advancing into the last phase (100%)
/// makes the rollout Stabilising, and it completes after the plan's stabilisation window. Rolling back is possible
/// from any live state: schedules never outrank it.
/// </summary>
public static class RolloutStateMachine
{
    public static bool IsLive(RolloutStatus status) => status is RolloutStatus.Running or RolloutStatus.Held or RolloutStatus.Stabilising;

    public static bool IsFinished(RolloutStatus status) => status is RolloutStatus.RolledBack or RolloutStatus.Completed;

    public static RolloutTransition Apply(RolloutState current, RolloutCommand command, int phaseCount, RolloutActor actor, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Refuse(current, command, actor, reason, "a reason is required");
        }

        var last = phaseCount - 1;
        RolloutState? to = (command, current.Status) switch
        {
            (RolloutCommand.Schedule, RolloutStatus.Draft) => current with { Status = RolloutStatus.Scheduled },
            (RolloutCommand.Start, RolloutStatus.Scheduled) => new RolloutState(last == 0 ? RolloutStatus.Stabilising : RolloutStatus.Running, 0),
            (RolloutCommand.Hold, RolloutStatus.Running or RolloutStatus.Stabilising) => current with { Status = RolloutStatus.Held },
            (RolloutCommand.Resume, RolloutStatus.Held) => current with { Status = current.PhaseIndex == last ? RolloutStatus.Stabilising : RolloutStatus.Running },
            (RolloutCommand.Advance, RolloutStatus.Running) when current.PhaseIndex < last =>
                new RolloutState(current.PhaseIndex + 1 == last ? RolloutStatus.Stabilising : RolloutStatus.Running, current.PhaseIndex + 1),
            (RolloutCommand.RollBack, RolloutStatus.Scheduled or RolloutStatus.Running or RolloutStatus.Held or RolloutStatus.Stabilising) =>
                current with { Status = RolloutStatus.RollingBack },
            (RolloutCommand.RollbackCompleted, RolloutStatus.RollingBack) => current with { Status = RolloutStatus.RolledBack },
            (RolloutCommand.Complete, RolloutStatus.Stabilising) => current with { Status = RolloutStatus.Completed },
            _ => null,
        };

        return to is null
            ? Refuse(current, command, actor, reason, Explain(current, command, last))
            : new RolloutTransition(true, current, to, command, actor, reason, null);
    }

    private static RolloutTransition Refuse(RolloutState current, RolloutCommand command, RolloutActor actor, string reason, string refusal) =>
        new(false, current, current, command, actor, reason, refusal);

    private static string Explain(RolloutState current, RolloutCommand command, int last) => (command, current.Status) switch
    {
        (RolloutCommand.Advance, RolloutStatus.Running) when current.PhaseIndex >= last => "the rollout is already in its last phase",
        (RolloutCommand.Advance, RolloutStatus.Held) => "the rollout is held: resume it before advancing",
        (RolloutCommand.RollBack, RolloutStatus.RollingBack) => "a rollback is already under way",
        (_, RolloutStatus.RolledBack or RolloutStatus.Completed) => $"the rollout is {current.Status.ToText().ToLowerInvariant()} and cannot change any more",
        _ => $"{command} is not possible while the rollout is {current.Status.ToText().ToLowerInvariant()}",
    };
}
