using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.TestPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>50% → 100%: auto-approved only when P95 ≤ 120 ms and every gate passes (GREEN or YELLOW) over the window.</summary>
public sealed class ApprovalTests
{
    private const string Plan = """
        gates:
          - key: errors
            metric: error_rate_pct
            pass: '<= 0.5 %'
            yellow: 20%
          - key: p95-soak
            metric: p95_latency_ms
            pass: '<= 130 ms'
        triggers:
          - key: error-rollback
            metric: error_rate_pct
            fires: '> 0.5 %'
            for: 5m
            action: rollback
        approvals:
          - from: 50%
            role: ExecutiveApprover
            autoApprove:
              allGatesGreen: true
              when:
                - metric: p95_latency_ms
                  condition: '<= 120 ms'
        """;

    private static RolloutVerdict AtFiftyPercent(double p95, double errors, IReadOnlyList<ApprovalGiven>? approvals = null, int minutes = 30)
    {
        var samples = P95Everywhere(Cohort.Canary, Start, Repeat(p95, minutes))
            .Concat(Series("error_rate_pct", Cohort.Canary, Start, Repeat(errors, minutes)))
            .ToList();
        return RolloutEvaluator.Default.Evaluate(Parse(Plan), new EvaluationInput(1, Start, Start.AddMinutes(minutes), samples, Approvals: approvals), triggersFrom: Start);
    }

    [Fact]
    public void P95_at_120_and_every_gate_green_is_auto_approved()
    {
        var verdict = AtFiftyPercent(p95: 120.0, errors: 0.1);

        Assert.True(verdict.Advance.AutoApproved);
        Assert.True(verdict.Advance.MayAdvance);
        Assert.Equal(RecommendationKind.Go, verdict.Recommendation.Kind);
        Assert.Contains(verdict.Recommendation.Reasons, r => r.StartsWith("auto-approved", StringComparison.Ordinal));
    }

    [Fact]
    public void P95_just_over_120_holds_at_50_percent_for_the_executive()
    {
        var verdict = AtFiftyPercent(p95: 120.5, errors: 0.1);

        Assert.False(verdict.Advance.AutoApproved);
        Assert.False(verdict.Advance.MayAdvance);
        Assert.Equal("ExecutiveApprover", verdict.Advance.ApprovalRole);
        Assert.Contains(verdict.Advance.Missing, m => m.StartsWith("waiting for the executive approver's sign-off", StringComparison.Ordinal) && m.Contains("P95 latency <= 120 ms on every minute of the window (P95 latency was 120.5 ms at 10:00 UTC)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yellow_gate_passes_like_green_so_the_step_is_still_auto_approved()
    {
        var verdict = AtFiftyPercent(p95: 100, errors: 0.45);

        Assert.Equal(GateStatus.Yellow, verdict.Overall);
        Assert.True(verdict.Advance.AutoApproved);
        Assert.Equal(RecommendationKind.Go, verdict.Recommendation.Kind);
    }

    [Fact]
    public void The_executive_sign_off_lets_it_advance_and_is_quoted()
    {
        var approval = new ApprovalGiven(1, "ceo", "ExecutiveApprover", "P95 122 ms is acceptable for this release", Start.AddMinutes(29));

        var verdict = AtFiftyPercent(p95: 122, errors: 0.1, [approval]);

        Assert.True(verdict.Advance.MayAdvance);
        Assert.Equal(approval, verdict.Advance.Approval);
        Assert.Contains(verdict.Recommendation.Reasons, r => r.Contains("approved by ceo (Executive approver)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_approval_in_another_role_does_not_count()
    {
        var verdict = AtFiftyPercent(p95: 122, errors: 0.1, [new ApprovalGiven(1, "ic", "IncidentCommander", "looks fine", Start)]);
        Assert.False(verdict.Advance.MayAdvance);
    }

    [Fact]
    public void A_fired_rollback_trigger_outranks_a_pending_approval_and_a_sign_off()
    {
        var approval = new ApprovalGiven(1, "ceo", "ExecutiveApprover", "go", Start);

        var verdict = AtFiftyPercent(p95: 122, errors: 0.9, [approval]);

        Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
        Assert.False(verdict.Advance.MayAdvance);
        Assert.Contains("FIRED at 10:04 UTC after 5 consecutive bad minutes from 10:00 UTC (Error rate canary 0.9%)", verdict.Recommendation.Reasons.Single());
    }

    [Fact]
    public void The_final_phase_completes_after_the_stabilisation_window()
    {
        var samples = P95Everywhere(Cohort.Canary, Start, Repeat(100, 120)).Concat(Series("error_rate_pct", Cohort.Canary, Start, Repeat(0.1, 120))).ToList();
        var plan = Parse(Plan);

        var early = RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(2, Start, Start.AddMinutes(60), samples));
        var done = RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(2, Start, Start.AddMinutes(120), samples));

        Assert.Contains("60 of 120 minutes observed", early.Advance.Missing);
        Assert.Equal(RecommendationKind.Go, done.Recommendation.Kind);
        Assert.Contains("complete the rollout", done.Recommendation.Reasons[0]);
    }
}
