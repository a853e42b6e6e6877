using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.ShippedPlans;

/// <summary>
/// Directive 002's payment and B2B rules at their boundaries, on plans/directive-002-phased-canary-5-25-50-100.yaml as
/// it ships: "> 5 consecutive failures", "charge error rate ≤1.0%", "time-to-first-interaction within 5% of baseline".
/// </summary>
public sealed class Directive002RulesTests
{
    private const string Failures = "payment_failures_count";
    private const string Successes = "payment_successes_count";

    /// <summary>Failures and successes per minute from minute 10 on (before it: one success a minute, no failure).</summary>
    private static TriggerVerdict Run(params (int Failures, int Successes)[] minutes)
    {
        var plan = ShippedPlan.Slow()
            .Set(Failures, Cohort.Canary, null, m => m < 10 ? 0 : m - 10 < minutes.Length ? minutes[m - 10].Failures : 0)
            .Set(Successes, Cohort.Canary, null, m => m < 10 ? 1 : m - 10 < minutes.Length ? minutes[m - 10].Successes : 1);

        return plan.Judge("5%", 0, 10 + minutes.Length).Triggers.Single(t => t.Key == "payment-failure-run");
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void Failures_in_one_minute_with_no_success_fire_from_the_sixth(int failures, bool fires)
    {
        var trigger = Run((failures, 0));

        Assert.Equal(fires, trigger.State == TriggerState.Fired);
        if (fires)
        {
            Assert.Contains("6 consecutive failed payment attempts (more than 5)", trigger.Reason);
            Assert.Equal(ShippedPlan.T0.AddMinutes(10), trigger.FiredAt);
        }
    }

    [Fact]
    public void A_run_carries_over_minutes_without_a_success_and_a_success_between_breaks_it()
    {
        Assert.Equal(TriggerState.Fired, Run((3, 0), (3, 0)).State);
        Assert.NotEqual(TriggerState.Fired, Run((3, 0), (0, 1), (3, 0)).State);
        // Seven failures beside one success in the same minute: at least ⌈7 / 2⌉ = 4 in a row, not more than 5 for sure.
        Assert.NotEqual(TriggerState.Fired, Run((7, 1)).State);
        // Twelve beside one: at least 6 in a row.
        Assert.Equal(TriggerState.Fired, Run((12, 1)).State);
    }

    [Fact]
    public void The_consecutive_failure_trigger_rolls_the_rollout_back()
    {
        var plan = ShippedPlan.Slow().Set(Failures, Cohort.Canary, null, m => m == 10 ? 6 : 0).Set(Successes, Cohort.Canary, null, m => m == 10 ? 0 : 1);

        var verdict = plan.Judge("5%", 0, 20);

        Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
    }

    [Theory]
    [InlineData(1.0, GateStatus.Green)]
    [InlineData(1.01, GateStatus.Red)]
    public void Charge_errors_pass_up_to_one_percent(double chargeErrors, GateStatus expected)
    {
        var plan = ShippedPlan.Slow().Set("charge_error_rate_pct", Cohort.Canary, null, _ => chargeErrors);

        var gate = plan.Judge("5%", 0, 90).Gates.Single(g => g.Key == "charge-errors");

        Assert.Equal(expected, gate.Status);
    }

    [Theory]
    [InlineData(1260.0, true)]   // +5.0%
    [InlineData(1261.0, false)]  // +5.08%
    [InlineData(1140.0, true)]   // −5.0%
    public void Provider_time_to_first_interaction_passes_within_five_percent_of_control(double canaryMs, bool passes)
    {
        var plan = ShippedPlan.Slow().Set("provider_tti_ms", Cohort.Canary, null, _ => canaryMs).Set("provider_tti_ms", Cohort.Control, null, _ => 1200);

        var gate = plan.Judge("5%", 0, 90).Gates.Single(g => g.Key == "provider-tti-vs-control");

        Assert.Equal(passes, gate.Status.Passes());
    }

    [Theory]
    [InlineData("payment_declines_pct", "declines-vs-control", 2.1, 3.1, true)]
    [InlineData("payment_declines_pct", "declines-vs-control", 2.1, 3.11, false)]
    [InlineData("payment_declines_pct", "declines-vs-control", 2.1, 0.5, true)]    // fewer declines than control: not elevated
    [InlineData("payment_refunds_pct", "refunds-vs-control", 0.3, 0.5, true)]
    [InlineData("payment_refunds_pct", "refunds-vs-control", 0.3, 0.51, false)]
    public void Declines_and_refunds_fail_their_gate_only_when_elevated_over_control(string metric, string gateKey, double control, double canary, bool passes)
    {
        var plan = ShippedPlan.Slow().Set(metric, Cohort.Control, null, _ => control).Set(metric, Cohort.Canary, null, _ => canary);

        var verdict = plan.Judge("5%", 0, 90);

        var gate = verdict.Gates.Single(g => g.Key == gateKey);
        Assert.Equal(passes, gate.Status.Passes());
        Assert.Equal(passes, verdict.Advance.MayAdvance || !verdict.Gates.Where(g => g.Key != gateKey).All(g => g.Status.Passes()));
    }
}
