using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.ExtendedPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>
/// Error-budget burn as the Google SRE workbook's multi-window alerts on a 99.9% / 30-day SLO: 2% of the budget in
/// 1 h confirmed over 5 minutes (burn rate 14.4), 5% in 6 h confirmed over 30 minutes (6), a daily and a rollout share.
/// </summary>
public sealed class BurnRateTests
{
    private const string FastBurn = """
        triggers:
          - key: budget-fast
            name: Error budget burn > 2% in 1 h
            budget: {slo: availability, spent: '> 2%', in: 1h, confirm: 5m}
            action: rollback
        """;

    /// <summary>An hour of clean traffic before the phase, then <paramref name="errorPercents"/> from the phase start (1,000 requests a minute).</summary>
    private static IEnumerable<MetricSample> Traffic(params double[] errorPercents)
    {
        var before = Start.AddMinutes(-60);
        double?[] all = [.. Repeat(1000, 60 + errorPercents.Length)];
        double?[] good = [.. Repeat(1000, 60), .. errorPercents.Select(e => (double?)(1000 - (10 * e)))];
        return CanaryFrom(before, "requests_total", all).Concat(CanaryFrom(before, "requests_good", good));
    }

    [Fact]
    public void A_three_percent_error_burn_spends_two_percent_of_the_monthly_budget_on_its_29th_minute()
    {
        // 3% errors against a 0.1% budget is a burn rate of 30: each minute spends 30/43,200 of the budget (0.0694%).
        // After 28 minutes 1.944% is spent; the 29th takes it to 2.014% > 2%, and the 5-minute window burns at 30 > 14.4.
        var samples = Traffic([.. Enumerable.Repeat(3.0, 40)]);

        Assert.Equal(TriggerState.Idle, Judge(FastBurn, samples, 28).State);
        var verdict = Judge(FastBurn, samples, 40);
        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(28), verdict.FiredAt);
        Assert.Contains("2.014% of the 30d error budget spent in the last 1h", verdict.Reason);
        Assert.Contains("confirmed by the last 5m (burn rate 30× > 14.4×)", verdict.Reason);
    }

    [Fact]
    public void A_short_spike_that_the_long_window_rejects_never_fires()
    {
        // Three minutes at 10% errors: the 5-minute window burns at 60× (it alone would page), but the hour spends only
        // 0.69% of the budget. Nothing fires, during the spike or after it.
        var samples = Traffic([.. Enumerable.Repeat(0.0, 10), 10, 10, 10, .. Enumerable.Repeat(0.0, 47)]);

        for (var minute = 11; minute <= 60; minute++)
        {
            Assert.Equal(TriggerState.Idle, Judge(FastBurn, samples, minute).State);
        }
    }

    [Fact]
    public void A_burn_that_has_stopped_is_not_confirmed_by_the_short_window()
    {
        // 8% errors for 14 minutes spends 2.07% of the budget in the hour: had it been checked only after it ended, the
        // long window alone would fire; the 5-minute window has recovered, so a late check does not page for a past burn.
        var plan = Parse(FastBurn);
        var samples = Traffic([.. Enumerable.Repeat(0.0, 10), .. Enumerable.Repeat(8.0, 14), .. Enumerable.Repeat(0.0, 10)]).ToList();
        var series = new SeriesIndex(samples);
        var context = new TriggerContext(plan, series, TimeSpan.FromHours(1), Start.AddMinutes(30), Start, []);

        var late = TriggerConditionEvaluator.Evaluate(plan.Triggers.Single().When!, context, Start.AddMinutes(33));

        Assert.Equal(Truth.False, late.Truth);
        Assert.True(ErrorBudget.Over(plan.FindSlo("availability")!, series, Start.AddMinutes(-26), Start.AddMinutes(34), TimeSpan.FromHours(1))!.Value.SharePercent > 2);
    }

    [Fact]
    public void Slow_burn_five_percent_in_six_hours_and_the_rollout_share_read_the_same_budget()
    {
        const string slow = """
            triggers:
              - key: budget-slow
                budget: {slo: availability, spent: '> 5%', in: 6h, confirm: 30m}
                action: rollback
              - key: budget-rollout
                name: Do not exceed 10% of the monthly budget during the rollout
                budget: {slo: availability, spent: '> 10%', in: rollout}
                action: rollback
            """;
        // 1% errors: burn rate 10 > 6. 5% of 43,200 minutes' budget at 10× takes 216 minutes: fires on minute 216 (index 216 after 1 h clean).
        var samples = Traffic([.. Enumerable.Repeat(1.0, 440)]);

        var slowVerdict = Judge(slow, samples, 440, key: "budget-slow");
        var rollout = Judge(slow, samples, 440, key: "budget-rollout");

        Assert.Equal(Start.AddMinutes(216), slowVerdict.FiredAt);
        // 10% at 10×: 432 minutes since the rollout began (the clean hour before it is not the rollout's).
        Assert.Equal(Start.AddMinutes(432), rollout.FiredAt);
    }

    [Fact]
    public void The_verdict_carries_each_slos_budget_spent_remaining_and_burn_rates()
    {
        var plan = Parse(FastBurn);
        var samples = Traffic([.. Enumerable.Repeat(0.2, 30)]).ToList();
        var input = new EvaluationInput(0, Start, Start.AddMinutes(30), samples) { RolloutStartedAt = Start };

        var budget = RolloutEvaluator.Default.Evaluate(plan, input, Start).Budgets.Single(b => b.SloKey == "availability");

        // 0.2% errors: burn 2×; 30 minutes at 2× spend 60/43,200 = 0.139% of the budget.
        Assert.Equal(2m, budget.BurnRateLastFiveMinutes);
        Assert.Equal(1m, budget.BurnRateLastHour); // half the last hour was clean
        Assert.Equal(0.138888888889m, budget.SpentPercent);
        Assert.Contains("0.14% of the budget spent during the rollout, 99.86% left; burn rate 1× (1 h), 2× (5 min)", budget.Text);
    }

    [Fact]
    public void An_slo_breach_persisting_fifteen_minutes_refers_to_the_declared_slo()
    {
        const string breach = """
            triggers:
              - key: slo-breach
                name: Any SLO breach persisting 15 minutes
                slo: any
                for: 15m
                action: rollback
            """;
        // Availability at 99.8% (below 99.9%) from minute 0; latency fine.
        var samples = Traffic([.. Enumerable.Repeat(0.2, 20)]).Concat(Canary("p95_latency_ms", Repeat(100, 20)));

        var verdict = Judge(breach, samples, 20);

        Assert.Equal(Start.AddMinutes(14), verdict.FiredAt);
        Assert.Contains("API availability 99.8% good, below its 99.9% objective", verdict.Reason);
    }
}
