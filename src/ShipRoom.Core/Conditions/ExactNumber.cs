namespace ShipRoom.Core.Conditions;

/// <summary>
/// Limits are compared in decimal after rounding each measured double to 15 significant digits, so floating-point
/// noise (0.1 + 0.2, 3.465 / 3.3) never moves a value across a limit: 120.00000000000001 is 120, and 120 passes "&lt;= 120".
/// </summary>
public static class ExactNumber
{
    // decimal holds about ±7.9e28; beyond that a metric is far outside any limit anyway.
    private const double Largest = 7.9e27;

    public static bool TryToDecimal(double value, out decimal result)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > Largest)
        {
            result = 0;
            return false;
        }

        // The double-to-decimal conversion rounds to 15 significant digits: exactly the noise to drop.
        result = (decimal)value;
        return true;
    }

    public static bool Compare(decimal value, ComparisonOperator op, decimal threshold) => op switch
    {
        ComparisonOperator.LessOrEqual => value <= threshold,
        ComparisonOperator.GreaterOrEqual => value >= threshold,
        ComparisonOperator.Less => value < threshold,
        _ => value > threshold,
    };

    /// <summary>Relative distances are rounded to 12 decimal places: a division that is exact on paper is exact here.</summary>
    public static decimal Tidy(decimal value) => Math.Round(value, 12, MidpointRounding.ToEven);
}
