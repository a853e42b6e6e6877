using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Rollouts;
using static ShipRoom.Core.Tests.TestPlans;

namespace ShipRoom.Core.Tests.Rollouts;

/// <summary>
/// What ShipRoom does by itself after a verdict, for a rollout in each state: the one decision the live poller and
/// the replay of an archive share.
/// </summary>
public sealed class RolloutJudgeTests
{
    private const string Plan = """
        gates:
          - key: errors
            metric: error_rate_pct
            pass: '<= 0.5 %'
        triggers:
          - key: error-rollback
            name: Error rate > 1% for 5 minutes
            metric: error_rate_pct
            fires: '> 1 %'
            for: 5m
            action: rollback
          - key: p95-hold
            name: P95 > 120 ms for 5 minutes
            metric: p95_latency_ms
            fires: '> 120 ms'
            for: 5m
            action: hold
        """;

    private static readonly ShipRoom.Core.Plans.RolloutPlan Parsed = Parse(Plan);

    /// <summary>The 50% phase twenty minutes in; the canary at the given error rate and P95 from 10:00 on.</summary>
    private static RolloutVerdict Verdict(double errors, double p95)
    {
        var samples = new List<MetricSample>();
        foreach (var cohort in new[] { Cohort.Control, Cohort.Canary })
        {
            samples.AddRange(Series("error_rate_pct", cohort, Start, Repeat(cohort == Cohort.Canary ? errors : 0.1, 20)));
            samples.AddRange(Series("p95_latency_ms", cohort, Start, Repeat(cohort == Cohort.Canary ? p95 : 100, 20)));
        }

        return RolloutEvaluator.Default.Evaluate(Parsed, new EvaluationInput(1, Start, Start.AddMinutes(20), samples), triggersFrom: Start);
    }

    private static RolloutVerdict Go(params string[] reasons)
    {
        var verdict = Verdict(errors: 0.1, p95: 100);
        return verdict with { Recommendation = verdict.Recommendation with { Kind = RecommendationKind.Go, Reasons = reasons } };
    }

    private static AutomaticDecision? Decide(RolloutVerdict verdict, RolloutStatus status, int phase = 1, bool autoAdvance = false) =>
        RolloutJudge.Decide(Parsed, verdict, new RolloutState(status, phase), autoAdvance);

    [Theory]
    [InlineData(RolloutStatus.Running)]
    [InlineData(RolloutStatus.Held)]
    [InlineData(RolloutStatus.Stabilising)]
    public void A_fired_rollback_trigger_rolls_back_from_every_live_state_held_included(RolloutStatus status)
    {
        var decision = Decide(Verdict(errors: 2.5, p95: 100), status);

        Assert.NotNull(decision);
        Assert.Equal(RolloutCommand.RollBack, decision.Command);
        Assert.StartsWith("trigger Error rate > 1% for 5 minutes: FIRED at 10:04 UTC", decision.Reason);
        Assert.Equal("trigger:7:rollback:error-rollback:2026-11-25T10:04:00.0000000+00:00", decision.IdempotencyKey(7, 1));
    }

    [Fact]
    public void Rollback_outranks_a_hold_that_fired_too()
    {
        var decision = Decide(Verdict(errors: 2.5, p95: 150), RolloutStatus.Running);

        Assert.Equal(RolloutCommand.RollBack, decision?.Command);
    }

    [Theory]
    [InlineData(RolloutStatus.Running, true)]
    [InlineData(RolloutStatus.Stabilising, true)]
    [InlineData(RolloutStatus.Held, false)]
    public void A_fired_hold_trigger_holds_a_rollout_that_is_not_held_already(RolloutStatus status, bool holds)
    {
        var decision = Decide(Verdict(errors: 0.1, p95: 150), status);

        Assert.Equal(holds ? RolloutCommand.Hold : null, decision?.Command);
        if (holds)
        {
            Assert.StartsWith("trigger P95 > 120 ms for 5 minutes: FIRED at 10:04 UTC", decision!.Reason);
            Assert.Equal("trigger:7:hold:p95-hold:2026-11-25T10:04:00.0000000+00:00", decision.IdempotencyKey(7, 1));
        }
    }

    [Fact]
    public void Go_advances_a_running_rollout_only_where_it_advances_by_itself()
    {
        var verdict = Go("every gate GREEN for the window: advance to 100%", "auto-approved by the plan's conditions");

        var automatic = Decide(verdict, RolloutStatus.Running, autoAdvance: true);
        var byPerson = Decide(verdict, RolloutStatus.Running, autoAdvance: false);

        Assert.Equal(RolloutCommand.Advance, automatic?.Command);
        Assert.Equal("every gate GREEN for the window: advance to 100%; auto-approved by the plan's conditions", automatic!.Reason);
        Assert.Equal("auto-advance:7:1", automatic.IdempotencyKey(7, 1));
        Assert.Null(byPerson);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Go_completes_a_stabilising_rollout_whether_or_not_it_advances_by_itself(bool autoAdvance)
    {
        var decision = Decide(Go("stable"), RolloutStatus.Stabilising, phase: 2, autoAdvance);

        Assert.Equal(RolloutCommand.Complete, decision?.Command);
        Assert.Equal("stable at 100% for the stabilisation window", decision!.Reason);
        Assert.Equal("auto-complete:7", decision.IdempotencyKey(7, 2));
    }

    [Fact]
    public void Go_does_nothing_for_a_held_rollout()
    {
        Assert.Null(Decide(Go("advance"), RolloutStatus.Held, autoAdvance: true));
    }

    [Fact]
    public void Without_a_fired_trigger_or_go_nothing_is_done()
    {
        var verdict = Verdict(errors: 0.1, p95: 100);
        var notGo = verdict with { Recommendation = verdict.Recommendation with { Kind = RecommendationKind.Continue } };

        Assert.Null(Decide(notGo, RolloutStatus.Running, autoAdvance: true));
    }

    [Theory]
    [InlineData(RolloutStatus.RolledBack)]
    [InlineData(RolloutStatus.Completed)]
    public void A_finished_rollout_is_left_alone_whatever_fired(RolloutStatus status)
    {
        Assert.Null(Decide(Verdict(errors: 2.5, p95: 150), status, autoAdvance: true));
    }
}
