using ShipRoom.Core.Plans;
using static ShipRoom.Core.Tests.ExtendedPlans;

namespace ShipRoom.Core.Tests.Plans;

/// <summary>The new constructs read as written and are refused with a way out when they are wrong.</summary>
public sealed class ExtendedPlanParserTests
{
    [Fact]
    public void Slos_budget_triggers_signals_and_enforced_caps_read_into_the_plan()
    {
        var plan = Parse("""
            triggers:
              - key: budget-fast
                budget: {slo: availability, spent: '> 2%', in: 1h, confirm: 5m}
                action: rollback
            signals:
              - kind: p0
                action: rollback
            paymentCaps:
              transactions: 100
              maxPerTransaction: 20
              total: 1500
              transactionsMetric: payment_transactions
              dollarsMetric: payment_dollars
              largestTransactionMetric: payment_largest
              through: 50%
              onBreach: rollback
            """);

        Assert.Equal(["availability", "latency"], plan.Slos.Select(s => s.Key));
        Assert.Equal(0.001m, plan.FindSlo("availability")!.BudgetFraction);
        var burn = Assert.IsType<BudgetBurnCondition>(plan.Triggers.Single(t => t.Key == "budget-fast").When);
        Assert.Equal((2m, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)), (burn.SharePercent, burn.Window!.Value, burn.Confirm!.Value));
        Assert.Equal(["budget-fast", "cap-transactions", "cap-per-transaction", "cap-total", "signal-p0"], plan.Triggers.Select(t => t.Key));
        Assert.All(plan.Triggers.Where(t => t.Key.StartsWith("cap-", StringComparison.Ordinal)), t => Assert.Equal("50%", t.ActiveThrough));
        Assert.Equal("50%", plan.PaymentCaps!.Through);
    }

    [Theory]
    [InlineData("budget: {slo: nope, spent: '> 2%', in: 1h}", "unknown SLO 'nope'")]
    [InlineData("budget: {slo: availability, spent: '2%', in: 1h}", "is not a budget share")]
    [InlineData("budget: {slo: availability, spent: '> 2%', in: 1h, confirm: 2h}", "must be shorter than the long one")]
    [InlineData("count: {metric: cache_hit_pct, moreThan: 3, in: 10m}", "events are counted from a per-minute count")]
    [InlineData("all: [{metric: cache_hit_pct, fires: '< 85 %'}]", "combines two or more conditions")]
    [InlineData("all: [{metric: cache_hit_pct, fires: '< 85 %', slo: availability}, {slo: latency}]", "one condition per entry")]
    public void A_wrong_condition_is_refused_with_the_way_to_write_it(string condition, string expected)
    {
        var result = TryParse($"""
            triggers:
              - key: t
                {condition}
                action: hold
            """);

        Assert.True(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Enforced_caps_need_the_metrics_that_measure_them()
    {
        var result = TryParse("""
            paymentCaps:
              transactions: 100
              maxPerTransaction: 20
              total: 1500
              onBreach: hold
            """);

        Assert.True(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Field == "paymentCaps.largestTransactionMetric");
    }
}
