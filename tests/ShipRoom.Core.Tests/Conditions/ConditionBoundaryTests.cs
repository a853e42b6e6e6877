using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Conditions;

/// <summary>Every limit in the directives at, just inside and just outside its boundary.</summary>
public sealed class ConditionBoundaryTests
{
    private static Truth Absolute(string condition, double canary)
    {
        Assert.True(ConditionParser.TryParse(condition, out var parsed, out var problem), problem);
        return ConditionEvaluator.Evaluate(parsed!, canary, null, null, BetterDirection.Lower).Truth;
    }

    private static Truth Relative(string condition, double canary, double control, BetterDirection better = BetterDirection.Lower)
    {
        Assert.True(ConditionParser.TryParse(condition, out var parsed, out var problem), problem);
        return ConditionEvaluator.Evaluate(parsed!, canary, control, null, better).Truth;
    }

    [Theory]
    // P95 <= 130 ms at 5%/25%, <= 120 ms from 50%.
    [InlineData("<= 130 ms", 130.0, Truth.True)]
    [InlineData("<= 130 ms", 129.99, Truth.True)]
    [InlineData("<= 130 ms", 130.01, Truth.False)]
    [InlineData("<= 120 ms", 120.0, Truth.True)]
    [InlineData("<= 120 ms", 119.999, Truth.True)]
    [InlineData("<= 120 ms", 120.001, Truth.False)]
    // Floating-point noise never crosses a limit.
    [InlineData("<= 120 ms", 120.00000000000001, Truth.True)]
    [InlineData("<= 0.3 %", 0.30000000000000004, Truth.True)]
    // Error rate <= 0.5%.
    [InlineData("<= 0.5 %", 0.5, Truth.True)]
    [InlineData("<= 0.5 %", 0.49, Truth.True)]
    [InlineData("<= 0.5 %", 0.51, Truth.False)]
    // Payments E2E >= 99.5% (and >= 98.5% in the other directive).
    [InlineData(">= 99.5 %", 99.5, Truth.True)]
    [InlineData(">= 99.5 %", 99.51, Truth.True)]
    [InlineData(">= 99.5 %", 99.49, Truth.False)]
    [InlineData(">= 98.5 %", 98.5, Truth.True)]
    [InlineData(">= 98.5 %", 98.49, Truth.False)]
    // Cache hit >= 85%, DB saturation <= 80%, AI markup >= 4x.
    [InlineData(">= 85 %", 85.0, Truth.True)]
    [InlineData(">= 85 %", 84.99, Truth.False)]
    [InlineData("<= 80 %", 80.0, Truth.True)]
    [InlineData("<= 80 %", 80.01, Truth.False)]
    [InlineData(">= 4 x", 4.0, Truth.True)]
    [InlineData(">= 4 x", 3.999, Truth.False)]
    // Trigger conditions are strict: "P95 > 120 ms" does not hold at 120.
    [InlineData("> 120 ms", 120.0, Truth.False)]
    [InlineData("> 120 ms", 120.01, Truth.True)]
    [InlineData("< 99.5 %", 99.5, Truth.False)]
    [InlineData("< 99.5 %", 99.49, Truth.True)]
    [InlineData("> 0.5 %", 0.5, Truth.False)]
    [InlineData("> 0.5 %", 0.500001, Truth.True)]
    public void Absolute_limits_are_inclusive_and_exact(string condition, double canary, Truth expected) =>
        Assert.Equal(expected, Absolute(condition, canary));

    [Theory]
    // Cost per user within ±5% of control: exactly +5.0% and -5.0% are inside.
    [InlineData("within 5% of control", 105.0, 100.0, Truth.True)]
    [InlineData("within 5% of control", 104.99, 100.0, Truth.True)]
    [InlineData("within 5% of control", 105.01, 100.0, Truth.False)]
    [InlineData("within ±5% of control", 95.0, 100.0, Truth.True)]
    [InlineData("within ±5% of control", 94.99, 100.0, Truth.False)]
    [InlineData("within 5% of control", 3.465, 3.3, Truth.True)]
    [InlineData("within 5% of control", 0.0441, 0.042, Truth.True)]
    [InlineData("within 5% of control", 0.04411, 0.042, Truth.False)]
    // Sign-up completion within 1 percentage point of control.
    [InlineData("within 1pp of control", 63.0, 62.0, Truth.True)]
    [InlineData("within 1pp of control", 61.0, 62.0, Truth.True)]
    [InlineData("within 1pp of control", 63.01, 62.0, Truth.False)]
    [InlineData("within 1pp of control", 0.7000000000000001, 1.7, Truth.True)]
    // Client-visible errors within +0.2pp.
    [InlineData("within 0.2pp of control", 0.35, 0.15, Truth.True)]
    [InlineData("within 0.2pp of control", 0.3500001, 0.15, Truth.False)]
    public void Relative_limits_are_inclusive_and_exact(string condition, double canary, double control, Truth expected) =>
        Assert.Equal(expected, Relative(condition, canary, control));

    [Theory]
    // Cost per user more than 5% over control: lower is better, so "worse" is up.
    [InlineData(105.0, 100.0, BetterDirection.Lower, Truth.False)]
    [InlineData(105.01, 100.0, BetterDirection.Lower, Truth.True)]
    [InlineData(90.0, 100.0, BetterDirection.Lower, Truth.False)]
    // For a higher-is-better metric "worse" is down.
    [InlineData(94.9, 100.0, BetterDirection.Higher, Truth.True)]
    [InlineData(106.0, 100.0, BetterDirection.Higher, Truth.False)]
    public void Worse_than_control_follows_the_metric_direction(double canary, double control, BetterDirection better, Truth expected) =>
        Assert.Equal(expected, Relative("more than 5% worse than control", canary, control, better));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_canary_is_no_data_never_a_pass(double canary) =>
        Assert.Equal(Truth.NoData, Absolute("<= 130 ms", canary));

    [Fact]
    public void A_relative_condition_without_a_control_value_is_no_data() =>
        Assert.Equal(Truth.NoData, ConditionEvaluator.Evaluate(new RelativeCondition("within 5% of control", RelativeMode.Within, 5, RelativeUnit.Percent), 100, null, null, BetterDirection.Lower).Truth);

    [Theory]
    [InlineData(3.0, Truth.False)]
    [InlineData(3.01, Truth.True)]
    [InlineData(-3.01, Truth.True)]
    public void Sigma_conditions_measure_against_the_control_distribution(double sigmas, Truth expected)
    {
        ConditionParser.TryParse("beyond 3 sigma of control", out var condition, out _);
        var distribution = new ControlDistribution(62m, 0.5m, 60);

        var result = ConditionEvaluator.Evaluate(condition!, 62 + (sigmas * 0.5), null, distribution, BetterDirection.Higher);

        Assert.Equal(expected, result.Truth);
    }

    [Theory]
    [InlineData("<= 130 ms", "ms")]
    [InlineData(">= 99.5 %", "%")]
    [InlineData("< 4x", "x")]
    [InlineData("<= 130 milliseconds", "ms")]
    public void Units_are_read_and_normalised(string text, string unit)
    {
        Assert.True(ConditionParser.TryParse(text, out var condition, out _));
        Assert.Equal(unit, Assert.IsType<AbsoluteCondition>(condition).Unit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("roughly 130")]
    [InlineData("<= lots ms")]
    [InlineData("within five percent of control")]
    public void Wording_that_is_not_a_condition_says_how_to_write_one(string text)
    {
        Assert.False(ConditionParser.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("<= 130 ms", 117.0, true)]
    [InlineData("<= 130 ms", 116.99, false)]
    [InlineData(">= 99.5 %", 109.45, true)]
    public void The_yellow_band_is_a_share_of_the_limit_next_to_it(string condition, double measured, bool near)
    {
        ConditionParser.TryParse(condition, out var parsed, out _);
        Assert.Equal(near, ConditionEvaluator.IsNearLimit(parsed!, (decimal)measured, new YellowBand(10, PercentOfLimit: true)));
    }

    [Theory]
    // Directive 002: "declines/refunds not elevated vs baseline": one-sided, inclusive at the limit, any drop passes.
    [InlineData("no more than 0.5pp worse than control", 2.6, 2.1, BetterDirection.Lower, Truth.True)]
    [InlineData("no more than 0.5pp worse than control", 2.61, 2.1, BetterDirection.Lower, Truth.False)]
    [InlineData("no more than 0.5pp worse than control", 0.1, 2.1, BetterDirection.Lower, Truth.True)]
    [InlineData("at most 5% worse than control", 95.0, 100.0, BetterDirection.Higher, Truth.True)]
    [InlineData("at most 5% worse than control", 94.99, 100.0, BetterDirection.Higher, Truth.False)]
    [InlineData("at most 5% worse than control", 150.0, 100.0, BetterDirection.Higher, Truth.True)]
    public void No_more_than_worse_than_control_is_one_sided(string condition, double canary, double control, BetterDirection better, Truth expected) =>
        Assert.Equal(expected, Relative(condition, canary, control, better));

    [Theory]
    [InlineData(0.45, BetterDirection.Lower, true)]
    [InlineData(0.44, BetterDirection.Lower, false)]
    [InlineData(-0.45, BetterDirection.Lower, false)]
    [InlineData(-0.45, BetterDirection.Higher, true)]
    public void The_yellow_band_of_a_one_sided_pass_sits_only_on_its_bad_side(double distance, BetterDirection better, bool near)
    {
        ConditionParser.TryParse("no more than 0.5pp worse than control", out var parsed, out _);
        Assert.Equal(near, ConditionEvaluator.IsNearLimit(parsed!, (decimal)distance, new YellowBand(10, PercentOfLimit: true), better));
    }
}
