using ShipRoom.Core.Rollouts;

namespace ShipRoom.Core.Tests.Rollouts;

public sealed class RolloutStateMachineTests
{
    private static readonly RolloutActor Ic = RolloutActor.Person("ic");

    private static RolloutTransition Apply(RolloutStatus status, int phase, RolloutCommand command, int phases = 4, string reason = "because") =>
        RolloutStateMachine.Apply(new RolloutState(status, phase), command, phases, Ic, reason);

    [Theory]
    [InlineData(RolloutStatus.Draft, 0, RolloutCommand.Schedule, RolloutStatus.Scheduled, 0)]
    [InlineData(RolloutStatus.Scheduled, 0, RolloutCommand.Start, RolloutStatus.Running, 0)]
    [InlineData(RolloutStatus.Running, 0, RolloutCommand.Advance, RolloutStatus.Running, 1)]
    [InlineData(RolloutStatus.Running, 2, RolloutCommand.Advance, RolloutStatus.Stabilising, 3)]
    [InlineData(RolloutStatus.Running, 1, RolloutCommand.Hold, RolloutStatus.Held, 1)]
    [InlineData(RolloutStatus.Held, 1, RolloutCommand.Resume, RolloutStatus.Running, 1)]
    [InlineData(RolloutStatus.Held, 3, RolloutCommand.Resume, RolloutStatus.Stabilising, 3)]
    [InlineData(RolloutStatus.Running, 1, RolloutCommand.RollBack, RolloutStatus.RollingBack, 1)]
    [InlineData(RolloutStatus.Held, 2, RolloutCommand.RollBack, RolloutStatus.RollingBack, 2)]
    [InlineData(RolloutStatus.Stabilising, 3, RolloutCommand.RollBack, RolloutStatus.RollingBack, 3)]
    [InlineData(RolloutStatus.RollingBack, 1, RolloutCommand.RollbackCompleted, RolloutStatus.RolledBack, 1)]
    [InlineData(RolloutStatus.Stabilising, 3, RolloutCommand.Complete, RolloutStatus.Completed, 3)]
    public void Allowed_transitions(RolloutStatus from, int phase, RolloutCommand command, RolloutStatus to, int toPhase)
    {
        var transition = Apply(from, phase, command);

        Assert.True(transition.Allowed, transition.Refusal);
        Assert.Equal(new RolloutState(to, toPhase), transition.To);
        Assert.Equal("ic", transition.Actor.Name);
    }

    [Theory]
    [InlineData(RolloutStatus.Held, 1, RolloutCommand.Advance, "resume it before advancing")]
    [InlineData(RolloutStatus.RollingBack, 1, RolloutCommand.RollBack, "already under way")]
    [InlineData(RolloutStatus.RolledBack, 1, RolloutCommand.Resume, "cannot change any more")]
    [InlineData(RolloutStatus.Completed, 3, RolloutCommand.RollBack, "cannot change any more")]
    [InlineData(RolloutStatus.Draft, 0, RolloutCommand.Start, "not possible while the rollout is draft")]
    [InlineData(RolloutStatus.Stabilising, 3, RolloutCommand.Advance, "not possible")]
    public void Refused_transitions_say_why(RolloutStatus from, int phase, RolloutCommand command, string why)
    {
        var transition = Apply(from, phase, command);

        Assert.False(transition.Allowed);
        Assert.Contains(why, transition.Refusal);
        Assert.Equal(transition.From, transition.To);
    }

    [Fact]
    public void Every_transition_needs_a_reason() =>
        Assert.Equal("a reason is required", Apply(RolloutStatus.Running, 0, RolloutCommand.Hold, reason: " ").Refusal);

    [Fact]
    public void Automatic_actions_name_shiproom_as_the_actor() =>
        Assert.Equal("ShipRoom (automatic)", RolloutStateMachine.Apply(new RolloutState(RolloutStatus.Running, 0), RolloutCommand.RollBack, 4, RolloutActor.Automatic, "trigger").Actor.Name);
}
