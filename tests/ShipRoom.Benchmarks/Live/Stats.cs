namespace ShipRoom.Benchmarks.Live;

/// <summary>Nearest-rank percentiles over what was measured (no interpolation: every figure printed was seen).</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString(value < 10 ? "0.00" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    public static string Bytes(double value) => double.IsNaN(value) ? "n/a" : ((long)value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B";
}
