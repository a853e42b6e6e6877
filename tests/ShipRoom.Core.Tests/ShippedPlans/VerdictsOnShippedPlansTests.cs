using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.ShippedPlans;

/// <summary>
/// The rules of docs/semantics.md at their boundaries, on the plans as they ship: one notion of passing, the judgement
/// counts, time is exact, per journey, NO DATA never next to CONTINUE, a verdict explains itself.
/// </summary>
public sealed class VerdictsOnShippedPlansTests
{
    private const string P95 = "p95_latency_ms";

    [Theory]
    [InlineData(113.9, GateStatus.Green, true)]
    [InlineData(114.0, GateStatus.Yellow, true)]
    [InlineData(119.0, GateStatus.Yellow, true)]
    [InlineData(120.0, GateStatus.Yellow, true)]
    [InlineData(120.01, GateStatus.Red, false)]
    public void At_50_percent_the_step_to_100_is_auto_approved_up_to_p95_120_ms(double p95, GateStatus expected, bool autoApproved)
    {
        // The whole 30-minute window at this P95 (canary and control alike, so only the limit decides), everything else healthy.
        var plan = ShippedPlan.Fast().SetEverywhere(P95, Cohort.Canary, _ => p95).SetEverywhere(P95, Cohort.Control, _ => p95);

        var verdict = plan.Judge("50%", 0, 30);

        var gate = verdict.Gates.Single(g => g.Key == "p95-target");
        Assert.Equal(expected, gate.Status);
        Assert.Equal(autoApproved, verdict.Advance.AutoApproved);
        Assert.Equal(autoApproved, verdict.Advance.MayAdvance);
        Assert.Equal(autoApproved ? RecommendationKind.Go : RecommendationKind.Hold, verdict.Recommendation.Kind);
        if (autoApproved)
        {
            Assert.Contains(verdict.Recommendation.Reasons, r => r.StartsWith("auto-approved", StringComparison.Ordinal));
        }
        else
        {
            // The number is written so it differs from the limit it fails.
            Assert.Contains("P95 latency 120.01 ms at 16:29 UTC fails <= 120 ms: RED", gate.Reason);
            Assert.Contains(verdict.Advance.Missing, m => m.StartsWith("waiting for the executive approver's sign-off", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_yellow_window_at_50_percent_still_auto_approves_and_says_yellow_in_the_reason()
    {
        var plan = ShippedPlan.Fast().SetEverywhere(P95, Cohort.Canary, _ => 119).SetEverywhere(P95, Cohort.Control, _ => 118);

        var verdict = plan.Judge("50%", 0, 30);

        Assert.Equal(RecommendationKind.Go, verdict.Recommendation.Kind);
        Assert.Contains("P95 latency <= 120 ms YELLOW on 30, inside the warning margin", verdict.Recommendation.Reasons[0]);
        Assert.DoesNotContain(verdict.Recommendation.Reasons, r => r.Contains("every gate GREEN", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4, TriggerState.Arming, RecommendationKind.Hold)]
    [InlineData(5, TriggerState.Fired, RecommendationKind.Rollback)]
    public void The_five_minute_error_trigger_fires_on_the_fifth_bad_minute(int minutes, TriggerState state, RecommendationKind recommendation)
    {
        var plan = ShippedPlan.Fast().Set("error_rate_5xx_pct", Cohort.Canary, null, _ => 0.9);

        var verdict = plan.Judge("25%", 0, minutes);

        var trigger = verdict.Triggers.Single(t => t.Key == "error-rate");
        Assert.Equal(state, trigger.State);
        Assert.Equal(minutes, trigger.ConsecutiveBad);
        Assert.Equal(recommendation, verdict.Recommendation.Kind);
        Assert.Equal("error_rate_5xx_pct", trigger.MetricKey);
        Assert.Equal("5xx rate, overall", trigger.Watches);
        Assert.Equal(0.9, trigger.Canary);
    }

    [Theory]
    [InlineData(9, TriggerState.Arming)]
    [InlineData(10, TriggerState.Fired)]
    public void P95_over_120_on_a_critical_journey_for_10_minutes_fires_on_the_tenth_minute(int minutes, TriggerState state)
    {
        var plan = ShippedPlan.Fast().Set(P95, Cohort.Canary, "checkout", _ => 125).Set(P95, Cohort.Control, "checkout", _ => 124);

        var trigger = plan.Judge("25%", 0, minutes).Triggers.Single(t => t.Key == "p95-critical-journeys");

        Assert.Equal(state, trigger.State);
        Assert.Equal(10, trigger.Required);
        Assert.Equal("checkout", trigger.Journey);
        Assert.Contains("P95 latency, overall and each journey (search, checkout, sign_up, provider_dashboard)", trigger.Watches);
        Assert.Contains("P95 latency (checkout) canary 125 ms", trigger.Reason);
    }

    [Fact]
    public void A_critical_journey_breach_with_a_healthy_overall_series_is_red_by_name_and_never_go()
    {
        var plan = ShippedPlan.Fast().Set(P95, Cohort.Canary, "checkout", _ => 150).Set(P95, Cohort.Control, "checkout", _ => 105);

        var verdict = plan.Judge("25%", 0, 15);

        var gate = verdict.Gates.Single(g => g.Key == "p95-ramp");
        Assert.Equal((GateStatus.Red, "checkout", 150.0), (gate.Status, gate.Journey, gate.Canary));
        Assert.StartsWith("P95 latency (checkout) 150 ms at 16:14 UTC fails <= 130 ms: RED", gate.Reason);
        Assert.NotEqual(RecommendationKind.Go, verdict.Recommendation.Kind);
        Assert.NotEqual(RecommendationKind.Continue, verdict.Recommendation.Kind);
        Assert.Equal(TriggerState.Fired, verdict.Triggers.Single(t => t.Key == "p95-critical-journeys").State);
        Assert.Equal(TriggerState.Fired, verdict.Triggers.Single(t => t.Key == "slo-p95").State);
        Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
    }

    [Fact]
    public void A_15_percent_regression_against_control_under_every_limit_holds_with_the_reason_in_words()
    {
        var plan = ShippedPlan.Fast().SetEverywhere(P95, Cohort.Canary, _ => 96 * 1.15);

        var verdict = plan.Judge("25%", 0, 15);

        Assert.All(verdict.Gates, g => Assert.True(g.Status.Passes(), g.Reason));
        Assert.Equal(ScoreClassification.Fail, verdict.Judgement.Classification);
        Assert.Equal(RecommendationKind.Hold, verdict.Recommendation.Kind);
        Assert.False(verdict.Advance.MayAdvance);
        Assert.Contains(verdict.Recommendation.Reasons, r => r.Contains("P95 latency +15% vs control (110.4 ms vs 96 ms), 98% CI +15%…+15%, worse (tolerance 5%)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_payments_regression_shows_in_the_score_beside_the_red_gate_and_the_rollback()
    {
        var plan = ShippedPlan.Fast().Set("payments_e2e_success_pct", Cohort.Canary, null, _ => 97.4).Set("payments_e2e_success_pct", Cohort.Control, null, _ => 99.75);

        var verdict = plan.Judge("25%", 0, 15);

        Assert.Equal(GateStatus.Red, verdict.Gates.Single(g => g.Key == "payments-e2e").Status);
        Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
        var payments = verdict.Judgement.Metrics.Single(m => m.MetricKey == "payments_e2e_success_pct");
        Assert.Equal(JudgementOutcome.Worse, payments.Outcome);
        Assert.Contains("−2.35pp vs control (97.4% vs 99.75%)", payments.Reason);
        Assert.Equal((0.0, ScoreClassification.Fail), (verdict.Judgement.Score, verdict.Judgement.Classification));
    }

    [Fact]
    public void A_marginal_judgement_makes_a_step_without_an_approval_rule_wait_for_the_executive()
    {
        // Non-critical metrics 20% worse than control, every one inside its gate: a score between 60 and 80.
        var plan = ShippedPlan.Fast();
        foreach (var (metric, healthy) in new[] { ("client_js_error_rate_pct", 0.15), ("db_saturation_pct", 55.0), ("cpu_utilisation_pct", 48.0), ("cost_per_request_usd", 0.0011), ("provider_dashboard_error_pct", 0.3) })
        {
            plan.Set(metric, Cohort.Canary, null, _ => healthy * 1.2);
        }

        var waiting = plan.Judge("10%", 0, 15);
        var signed = plan.Judge("10%", 0, 15, [new ApprovalGiven(1, "ceo", "ExecutiveApprover", "the drift is understood", ShippedPlan.T0.AddMinutes(15))]);

        Assert.Equal(ScoreClassification.Marginal, waiting.Judgement.Classification);
        Assert.True(waiting.Advance.ApprovalRequired);
        Assert.False(waiting.Advance.AutoApproved);
        Assert.Equal("ExecutiveApprover", waiting.Advance.ApprovalRole);
        Assert.Equal(RecommendationKind.Continue, waiting.Recommendation.Kind);
        Assert.Contains(waiting.Advance.Missing, m => m.Contains("the canary judgement is score 72 MARGINAL", StringComparison.Ordinal));
        Assert.Equal(RecommendationKind.Go, signed.Recommendation.Kind);
    }

    [Fact]
    public void No_data_anywhere_waits_in_words_then_holds_once_hold_after_has_passed_never_continue_beside_it()
    {
        var plan = ShippedPlan.Fast();
        foreach (var metric in plan.Plan.Metrics)
        {
            plan.SetEverywhere(metric.Key, Cohort.Canary, _ => null).SetEverywhere(metric.Key, Cohort.Control, _ => null);
        }

        var early = plan.Judge("1%", 0, 5);
        var late = plan.Judge("1%", 0, 10);

        Assert.Equal(GateStatus.NoData, early.Overall);
        Assert.Equal(RecommendationKind.Continue, early.Recommendation.Kind);
        Assert.StartsWith("gate P95 latency <= 130 ms has NO DATA since 16:00 UTC (HOLD if it lasts 10 minutes)", early.Recommendation.Reasons[0]);
        Assert.Equal(RecommendationKind.Hold, late.Recommendation.Kind);
        Assert.All(late.Recommendation.Reasons, r => Assert.Contains("NO DATA for 10 minutes", r));
    }

    [Fact]
    public void At_a_phase_change_the_gates_show_the_last_minute_instead_of_flashing_no_data()
    {
        var verdict = ShippedPlan.Fast().Judge("10%", 15, 15);

        Assert.Equal(0, verdict.Advance.MinutesObserved);
        Assert.Equal(GateStatus.Green, verdict.Overall);
        Assert.All(verdict.Gates, g => Assert.Equal(ShippedPlan.T0.AddMinutes(14), g.LatestMinute));
        Assert.Equal(RecommendationKind.Continue, verdict.Recommendation.Kind);
        Assert.Equal("0 of 15 minutes observed", verdict.Recommendation.Reasons.Single());
    }

    [Fact]
    public void After_the_rollout_ends_triggers_that_did_not_fire_stop_watching()
    {
        var plan = ShippedPlan.Fast().Set("cache_hit_pct", Cohort.Canary, null, m => m >= 8 ? 80 : 92);

        var live = plan.Judge("25%", 0, 15);
        var ended = plan.Judge("25%", 0, 15, ended: true);

        Assert.Equal(TriggerState.Arming, live.Triggers.Single(t => t.Key == "cache-hit").State);
        Assert.Equal(TriggerState.Stopped, ended.Triggers.Single(t => t.Key == "cache-hit").State);
        Assert.Equal("STOPPED", ended.Triggers.Single(t => t.Key == "cache-hit").State.ToText());
        Assert.DoesNotContain(ended.Triggers, t => t.State == TriggerState.Arming);
    }

    [Fact]
    public void Every_gate_and_trigger_names_its_metric_series_values_and_minutes()
    {
        var verdict = ShippedPlan.Slow().Judge("25%", 0, 60);

        Assert.All(verdict.Gates, g =>
        {
            Assert.False(string.IsNullOrEmpty(g.MetricName));
            Assert.StartsWith(g.MetricName, g.Reason);
            Assert.Contains("window:", g.Reason);
            Assert.NotNull(g.LatestMinute);
        });
        Assert.All(verdict.Triggers, t => Assert.StartsWith(t.Name + ": IDLE", t.Reason));
        Assert.All(verdict.Triggers.Where(t => t.MetricKey is not null), t => Assert.Contains(t.MetricName!, t.Watches));
    }

    [Fact]
    public void Three_consecutive_probe_failures_roll_back()
    {
        var at = ShippedPlan.T0;
        ProbeRun Run(int minute, bool ok) => new("checkout-happy-path", at.AddMinutes(minute), ok, ok ? null : "HTTP 503");

        var verdict = ShippedPlan.Fast().Judge("1%", 0, 10, probes: [Run(1, true), Run(2, false), Run(3, false), Run(4, false)]);

        var trigger = verdict.Triggers.Single(t => t.Key == "synthetic-probes");
        Assert.Equal((TriggerState.Fired, at.AddMinutes(4)), (trigger.State, trigger.FiredAt!.Value));
        Assert.Equal(RecommendationKind.Rollback, verdict.Recommendation.Kind);
        Assert.Contains("probe checkout-happy-path: 3 consecutive failures (HTTP 503)", verdict.Recommendation.Reasons.Single());
    }

    [Fact]
    public void A_canary_that_fails_its_gate_only_some_minutes_is_worse_in_the_judgement_never_pass_beside_red()
    {
        // Three bad minutes, three good: the shift test alone sees no steady shift, the gate sees every bad minute.
        var plan = ShippedPlan.Fast().SetEverywhere(P95, Cohort.Canary, m => m % 6 < 3 ? 134.4 : 96);

        var verdict = plan.Judge("25%", 0, 15);

        Assert.Contains(verdict.Gates, g => g.Key == "p95-ramp" && g.MinutesRed > 0);
        var p95 = verdict.Judgement.Metrics.Single(m => m.MetricKey == P95);
        Assert.Equal(JudgementOutcome.Worse, p95.Outcome);
        Assert.StartsWith("P95 latency: the canary failed <= 130 ms on 9 of 15 minutes where the control met it, worse", p95.Reason);
        Assert.Equal(ScoreClassification.Fail, verdict.Judgement.Classification);
    }
}
