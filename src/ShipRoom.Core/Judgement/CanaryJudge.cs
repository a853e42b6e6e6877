using System.Globalization;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Judgement;

/// <summary>
/// Beside the thresholds: is the canary worse than the control? Per metric, the shift's confidence interval must
/// exclude zero in the metric's bad direction and the effect (mean ratio) must exceed the tolerance; then groups are
/// scored and weighted into 0–100. Only minutes where both cohorts have data are compared.
/// </summary>
public sealed class CanaryJudge(IMetricComparisonTest test)
{
    public const int MinimumPairs = 3;

    public static CanaryJudge Default { get; } = new(new MannWhitneyTest());

    public MetricJudgement JudgeMetric(MetricDefinition metric, IReadOnlyList<double> canary, IReadOnlyList<double> control, JudgementSettings settings)
    {
        if (canary.Count < MinimumPairs || control.Count < MinimumPairs)
        {
            return new MetricJudgement(metric.Key, metric.Name, JudgementOutcome.NoData, metric.Critical, Math.Min(canary.Count, control.Count), null, null, null,
                $"{metric.Name}: {Math.Min(canary.Count, control.Count)} minute(s) with both cohorts, {MinimumPairs} needed");
        }

        var shift = test.Compare(canary, control, settings.ConfidenceLevel);
        var controlMean = control.Average();
        var canaryMean = canary.Average();
        var scale = Math.Abs(controlMean);
        double effect;
        if (scale == 0)
        {
            effect = canaryMean == 0 ? 0 : Math.CopySign(double.PositiveInfinity, canaryMean);
        }
        else
        {
            effect = (canaryMean - controlMean) / scale * 100;
        }

        var lower = scale == 0 ? shift.Lower : shift.Lower / scale * 100;
        var upper = scale == 0 ? shift.Upper : shift.Upper / scale * 100;
        var tolerance = settings.Tolerance * 100;
        var higher = shift.Lower > 0 && effect > tolerance;
        var lowerShift = shift.Upper < 0 && effect < -tolerance;
        var outcome = (higher, lowerShift, metric.Better) switch
        {
            (true, _, BetterDirection.Lower) or (_, true, BetterDirection.Higher) => JudgementOutcome.Worse,
            (true, _, BetterDirection.Higher) or (_, true, BetterDirection.Lower) => JudgementOutcome.Better,
            _ => JudgementOutcome.Pass,
        };
        var confidence = (settings.ConfidenceLevel * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var verdict = outcome switch
        {
            JudgementOutcome.Worse => "worse",
            JudgementOutcome.Better => "better",
            _ => "no meaningful difference",
        };
        var reason = $"{metric.Name} {Signed(effect)} vs control, {confidence}% CI {Signed(lower)}…{Signed(upper)}, {verdict}";
        return new MetricJudgement(metric.Key, metric.Name, outcome, metric.Critical, Math.Min(canary.Count, control.Count), effect, lower, upper, reason);
    }

    /// <summary>Scores the canary over [from, to) on the overall series of every metric the judgement groups name.</summary>
    public CanaryScore Score(RolloutPlan plan, SeriesIndex series, DateTimeOffset from, DateTimeOffset to)
    {
        var settings = plan.Judgement;
        var judgements = new Dictionary<string, MetricJudgement>(StringComparer.Ordinal);
        foreach (var key in settings.Groups.SelectMany(g => g.Metrics).Distinct(StringComparer.Ordinal))
        {
            if (plan.FindMetric(key) is not { } metric)
            {
                continue;
            }

            var (canary, control) = Paired(series, key, from, to);
            judgements[key] = JudgeMetric(metric, canary, control, settings);
        }

        var groups = settings.Groups.Select(group =>
        {
            var judged = group.Metrics.Select(k => judgements.GetValueOrDefault(k)).Where(j => j is { Outcome: not JudgementOutcome.NoData }).ToList();
            var passed = judged.Count(j => j!.Outcome != JudgementOutcome.Worse);
            return new GroupScore(group.Name, group.Weight, judged.Count == 0 ? null : 100.0 * passed / judged.Count, judged.Count, passed);
        }).ToList();

        var scored = groups.Where(g => g.Score is not null && g.Weight > 0).ToList();
        var criticalFailure = judgements.Values.FirstOrDefault(j => j.Critical && j.Outcome == JudgementOutcome.Worse);
        double? score = scored.Count == 0 ? null : scored.Sum(g => g.Score!.Value * g.Weight) / scored.Sum(g => g.Weight);
        if (criticalFailure is not null)
        {
            score = 0;
        }

        var classification = score switch
        {
            null => ScoreClassification.NoData,
            var s when s >= settings.PassScore => ScoreClassification.Pass,
            var s when s >= settings.MarginalScore => ScoreClassification.Marginal,
            _ => ScoreClassification.Fail,
        };
        var summary = score is null
            ? "no metric had enough minutes with both cohorts to judge"
            : criticalFailure is not null
                ? $"score 0: critical metric failed ({criticalFailure.Reason})"
                : $"score {score.Value.ToString("0", CultureInfo.InvariantCulture)} ({classification.ToString().ToUpperInvariant()}; pass ≥ {settings.PassScore}, marginal ≥ {settings.MarginalScore})";
        return new CanaryScore(score, classification, groups, judgements.Values.ToList(), test.Name, summary);
    }

    private static (List<double> Canary, List<double> Control) Paired(SeriesIndex series, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var control = series.Range(metric, Cohort.Control, null, from, to).ToDictionary(p => p.Minute, p => p.Value);
        var canaryValues = new List<double>();
        var controlValues = new List<double>();
        foreach (var (minute, value) in series.Range(metric, Cohort.Canary, null, from, to))
        {
            if (control.TryGetValue(minute, out var controlValue))
            {
                canaryValues.Add(value);
                controlValues.Add(controlValue);
            }
        }

        return (canaryValues, controlValues);
    }

    private static string Signed(double value) => double.IsInfinity(value)
        ? (value > 0 ? "+∞%" : "−∞%")
        : (value >= 0 ? "+" : "") + value.ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
