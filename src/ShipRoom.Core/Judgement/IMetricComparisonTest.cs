namespace ShipRoom.Core.Judgement;

/// <summary>
/// The statistical test behind the canary judgement: an estimate of how far the canary is shifted from the control,
/// with a confidence interval. Scoring, reasons and thresholds do not depend on which test answers, so a sequential
/// test (safe to ask every minute) can replace the fixed-horizon one without touching them.
/// </summary>
public interface IMetricComparisonTest
{
    string Name { get; }

    ShiftEstimate Compare(IReadOnlyList<double> canary, IReadOnlyList<double> control, double confidenceLevel);
}

/// <summary>The estimated shift (canary minus control, in the metric's unit) and its confidence interval.</summary>
public sealed record ShiftEstimate(double Estimate, double Lower, double Upper);
