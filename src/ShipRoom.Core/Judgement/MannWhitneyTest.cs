using System.Buffers;

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

        // Every poll judges each metric again: the differences and the pooled sample are rented, not allocated.
        var total = n * m;
        var differences = ArrayPool<double>.Shared.Rent(total);
        try
        {
            var k = 0;
            foreach (var x in canary)
            {
                foreach (var y in control)
                {
                    differences[k++] = x - y;
                }
            }

            Array.Sort(differences, 0, total);
            var estimate = total % 2 == 1 ? differences[total / 2] : (differences[(total / 2) - 1] + differences[total / 2]) / 2;

            var z = NormalDistribution.Quantile(1 - ((1 - confidenceLevel) / 2));
            var variance = n * m / 12.0 * ((n + m + 1) - TieTerm(canary, control));
            var offset = (int)Math.Floor((total / 2.0) - (z * Math.Sqrt(Math.Max(0, variance))));
            offset = Math.Clamp(offset, 0, (total - 1) / 2);
            return new ShiftEstimate(estimate, differences[offset], differences[total - 1 - offset]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(differences);
        }
    }

    // Σ(t³ − t) / ((N)(N − 1)) over groups of tied values in the pooled sample.
    // Tied values are equal by double.Equals (as grouping by value counts them), so they sit side by side once sorted.
    private static double TieTerm(IReadOnlyList<double> canary, IReadOnlyList<double> control)
    {
        var size = canary.Count + control.Count;
        if (size < 2)
        {
            return 0;
        }

        var pooled = ArrayPool<double>.Shared.Rent(size);
        try
        {
            for (var i = 0; i < canary.Count; i++)
            {
                pooled[i] = canary[i];
            }

            for (var i = 0; i < control.Count; i++)
            {
                pooled[canary.Count + i] = control[i];
            }

            Array.Sort(pooled, 0, size);
            var ties = 0.0;
            for (var start = 0; start < size;)
            {
                var end = start + 1;
                while (end < size && pooled[end].Equals(pooled[start]))
                {
                    end++;
                }

                var run = end - start;
                ties += run > 1 ? Math.Pow(run, 3) - run : 0;
                start = end;
            }

            return ties / (size * (size - 1.0));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
    }
}
