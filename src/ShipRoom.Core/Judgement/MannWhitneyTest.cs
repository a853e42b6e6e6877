namespace ShipRoom.Core.Judgement;

/// <summary>
/// The Mann-Whitney (Wilcoxon rank-sum) view of a shift, as Kayenta's NetflixACAJudge uses it: the Hodges-Lehmann
/// estimate (the median of every canary-minus-control difference) and Moses' confidence interval, whose bounds are
/// the K-th smallest and K-th largest differences, K from the normal approximation of U with the tie correction.
/// </summary>
public sealed class MannWhitneyTest : IMetricComparisonTest
{
    public string Name => "mann-whitney";

    public ShiftEstimate Compare(IReadOnlyList<double> canary, IReadOnlyList<double> control, double confidenceLevel)
    {
        int n = canary.Count, m = control.Count;
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        var differences = new double[n * m];
        var k = 0;
        foreach (var x in canary)
        {
            foreach (var y in control)
            {
                differences[k++] = x - y;
            }
        }

        Array.Sort(differences);
        var total = differences.Length;
        var estimate = total % 2 == 1 ? differences[total / 2] : (differences[(total / 2) - 1] + differences[total / 2]) / 2;

        var z = NormalDistribution.Quantile(1 - ((1 - confidenceLevel) / 2));
        var variance = n * m / 12.0 * ((n + m + 1) - TieTerm(canary, control));
        var offset = (int)Math.Floor((total / 2.0) - (z * Math.Sqrt(Math.Max(0, variance))));
        offset = Math.Clamp(offset, 0, (total - 1) / 2);
        return new ShiftEstimate(estimate, differences[offset], differences[total - 1 - offset]);
    }

    // Σ(t³ − t) / ((N)(N − 1)) over groups of tied values in the pooled sample.
    private static double TieTerm(IReadOnlyList<double> canary, IReadOnlyList<double> control)
    {
        var pooled = canary.Concat(control).ToList();
        var size = pooled.Count;
        if (size < 2)
        {
            return 0;
        }

        var ties = pooled.GroupBy(v => v).Where(g => g.Count() > 1).Sum(g => Math.Pow(g.Count(), 3) - g.Count());
        return ties / (size * (size - 1.0));
    }
}
