using ShipRoom.Core.Conditions;
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
        var effect = scale == 0
            ? (canaryMean == controlMean ? 0 : Math.CopySign(double.PositiveInfinity, canaryMean - controlMean))
            : (canaryMean - controlMean) / scale * 100;
        var lower = scale == 0 ? shift.Lower : shift.Lower / scale * 100;
        var upper = scale == 0 ? shift.Upper : shift.Upper / scale * 100;

        // The effect must exceed the metric's tolerance: a share of the control, or an amount in the metric's unit.
        var tolerance = metric.Tolerance ?? new JudgementTolerance((decimal)settings.Tolerance, Relative: true, $"{(settings.Tolerance * 100).ToString("0.##", CultureInfo.InvariantCulture)}%");
        var beyond = tolerance.Relative ? Math.Abs(effect) > (double)tolerance.Amount * 100 : Math.Abs(canaryMean - controlMean) > (double)tolerance.Amount;
        var higher = shift.Lower > 0 && beyond && canaryMean > controlMean;
        var lowerShift = shift.Upper < 0 && beyond && canaryMean < controlMean;
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
        var difference = tolerance.Relative
            ? $"{NumberText.SignedPercent(effect)} vs control ({NumberText.WithUnit(canaryMean, metric.Unit)} vs {NumberText.WithUnit(controlMean, metric.Unit)}), {confidence}% CI {NumberText.SignedPercent(lower)}…{NumberText.SignedPercent(upper)}"
            : $"{NumberText.SignedDifference(canaryMean - controlMean, metric.Unit)} vs control ({NumberText.WithUnit(canaryMean, metric.Unit)} vs {NumberText.WithUnit(controlMean, metric.Unit)}), {confidence}% CI {NumberText.SignedDifference(shift.Lower, metric.Unit)}…{NumberText.SignedDifference(shift.Upper, metric.Unit)}";
        var reason = $"{metric.Name} {difference}, {verdict} (tolerance {tolerance.Text})";
        return new MetricJudgement(metric.Key, metric.Name, outcome, metric.Critical, Math.Min(canary.Count, control.Count), effect, lower, upper, reason)
        {
            CanaryMean = canaryMean,
            ControlMean = controlMean,
            Tolerance = tolerance.Text,
        };
    }

    /// <summary>
    /// Scores the canary on the paired minutes (both cohorts present) of every metric the judgement groups name. A metric whose
    /// gate saw the canary fail where the control met the same limit (<paramref name="gateEvidence"/>) is worse whatever
    /// the shift test says: a location test misses a canary that is bad only some of the time (flapping), and the score
    /// must never read PASS beside a RED it did not see.
    /// </summary>
    public CanaryScore Score(RolloutPlan plan, IReadOnlyDictionary<string, PairedSeries> pairs, IReadOnlyList<GateEvidence>? gateEvidence = null)
    {
        var settings = plan.Judgement;
        var judgements = new Dictionary<string, MetricJudgement>(StringComparer.Ordinal);
        foreach (var key in settings.Groups.SelectMany(g => g.Metrics).Distinct(StringComparer.Ordinal))
        {
            if (plan.FindMetric(key) is not { } metric)
            {
                continue;
            }

            var paired = pairs.GetValueOrDefault(key) ?? PairedSeries.Empty;
            var judgement = JudgeMetric(metric, paired.Canary, paired.Control, settings);
            if (gateEvidence?.FirstOrDefault(e => e.MetricKey == key && e.CanaryOnlyFailures > 0) is { } evidence && judgement.Outcome != JudgementOutcome.Worse)
            {
                var seen = $"{metric.Name}: the canary failed {evidence.Gate} on {evidence.CanaryOnlyFailures} of {evidence.Minutes} minutes where the control met it";
                judgement = judgement with
                {
                    Outcome = JudgementOutcome.Worse,
                    Reason = judgement.Outcome == JudgementOutcome.NoData ? $"{seen}, worse" : $"{seen}, worse ({judgement.Reason})",
                };
            }

            judgements[key] = judgement;
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
        var worse = judgements.Values.Where(j => j.Outcome == JudgementOutcome.Worse).OrderByDescending(j => j.Critical).ToList();
        var thresholds = $"pass ≥ {settings.PassScore.ToString("0.#", CultureInfo.InvariantCulture)}, marginal ≥ {settings.MarginalScore.ToString("0.#", CultureInfo.InvariantCulture)}";
        var result = new CanaryScore(score, classification, groups, judgements.Values.ToList(), test.Name, "");
        var summary = score is null
            ? "no metric had enough minutes with both cohorts to judge"
            : $"score {score.Value.ToString("0", CultureInfo.InvariantCulture)} {result.ClassificationText} ({thresholds})"
              + (criticalFailure is not null ? "; a critical metric is worse" : "")
              + (worse.Count == 0 ? "; no metric worse than control" : ": " + string.Join("; ", worse.Select(j => j.Reason)));
        return result with { Summary = summary };
    }
}
