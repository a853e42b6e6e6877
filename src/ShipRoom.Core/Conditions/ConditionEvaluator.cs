using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Conditions;

public enum Truth
{
    True,
    False,
    NoData,
}

/// <summary>Mean and standard deviation of the control's recent minutes, for sigma conditions.</summary>
public readonly record struct ControlDistribution(decimal Mean, decimal StandardDeviation, int Count);

/// <summary>What one condition says about one minute, and how far the canary is from the limit.</summary>
public readonly record struct ConditionResult(Truth Truth, decimal? Measured, string? Problem)
{
    public static ConditionResult NoData(string problem) => new(Truth.NoData, null, problem);
}

/// <summary>Evaluates a condition on one minute's canary and control values.</summary>
public static class ConditionEvaluator
{
    public static ConditionResult Evaluate(Condition condition, double? canary, double? control, ControlDistribution? distribution, BetterDirection better)
    {
        if (canary is not { } canaryValue || !ExactNumber.TryToDecimal(canaryValue, out var c))
        {
            return ConditionResult.NoData("no canary value");
        }

        switch (condition)
        {
            case AbsoluteCondition absolute:
                return new ConditionResult(ExactNumber.Compare(c, absolute.Operator, absolute.Threshold) ? Truth.True : Truth.False, c, null);

            case RelativeCondition relative when relative.Unit == RelativeUnit.Sigma:
                if (distribution is not { Count: >= 2 } d)
                {
                    return ConditionResult.NoData("not enough control history for a sigma comparison");
                }

                decimal sigmas;
                if (d.StandardDeviation == 0)
                {
                    // A flat control: any move at all is infinitely many sigmas away.
                    sigmas = c == d.Mean ? 0 : decimal.MaxValue / 2;
                }
                else
                {
                    sigmas = ExactNumber.Tidy((c - d.Mean) / d.StandardDeviation);
                }

                return Judge(relative, sigmas, better);

            case RelativeCondition relative:
                if (control is not { } controlValue || !ExactNumber.TryToDecimal(controlValue, out var k))
                {
                    return ConditionResult.NoData("no control value");
                }

                decimal distance;
                if (relative.Unit == RelativeUnit.Points)
                {
                    distance = c - k;
                }
                else if (k == 0)
                {
                    return c == 0 ? Judge(relative, 0, better) : ConditionResult.NoData("control is 0: a percent difference is undefined");
                }
                else
                {
                    distance = ExactNumber.Tidy((c - k) / Math.Abs(k) * 100m);
                }

                return Judge(relative, distance, better);

            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "unknown condition");
        }
    }

    private static ConditionResult Judge(RelativeCondition relative, decimal distance, BetterDirection better)
    {
        var holds = relative.Mode switch
        {
            RelativeMode.Within => Math.Abs(distance) <= relative.Limit,
            RelativeMode.Beyond => Math.Abs(distance) > relative.Limit,
            RelativeMode.NotWorse => (better == BetterDirection.Lower ? distance : -distance) <= relative.Limit,
            _ => (better == BetterDirection.Lower ? distance : -distance) > relative.Limit,
        };
        return new ConditionResult(holds ? Truth.True : Truth.False, distance, null);
    }

    /// <summary>True when a value that passes <paramref name="pass"/> sits inside the yellow band next to its limit.</summary>
    public static bool IsNearLimit(Condition pass, decimal measured, YellowBand band, BetterDirection better = BetterDirection.Lower)
    {
        switch (pass)
        {
            case AbsoluteCondition absolute:
                {
                    var width = band.PercentOfLimit ? Math.Abs(absolute.Threshold) * band.Amount / 100m : band.Amount;
                    return absolute.Operator is ComparisonOperator.LessOrEqual or ComparisonOperator.Less
                        ? measured >= absolute.Threshold - width
                        : measured <= absolute.Threshold + width;
                }

            case RelativeCondition { Mode: RelativeMode.Within } relative:
                {
                    var width = band.PercentOfLimit ? relative.Limit * band.Amount / 100m : band.Amount;
                    return Math.Abs(measured) >= relative.Limit - width;
                }

            case RelativeCondition { Mode: RelativeMode.NotWorse } relative:
                {
                    var width = band.PercentOfLimit ? relative.Limit * band.Amount / 100m : band.Amount;
                    return (better == BetterDirection.Lower ? measured : -measured) >= relative.Limit - width;
                }

            default:
                return false;
        }
    }
}
