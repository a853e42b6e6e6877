namespace ShipRoom.Core.Judgement;

public enum JudgementOutcome
{
    Pass,
    Worse,
    Better,
    NoData,
}

/// <summary>The canary judged against the control on one metric, with the reason in words.</summary>
public sealed record MetricJudgement(
    string MetricKey,
    string Name,
    JudgementOutcome Outcome,
    bool Critical,
    int PairedMinutes,
    double? EffectPercent,
    double? LowerPercent,
    double? UpperPercent,
    string Reason)
{
    public double? CanaryMean { get; init; }

    public double? ControlMean { get; init; }

    /// <summary>The tolerance the outcome was judged with, as the plan wrote it ("5%", "0.2pp", "10 ms").</summary>
    public string Tolerance { get; init; } = "";
}

public enum ScoreClassification
{
    Pass,
    Marginal,
    Fail,
    NoData,
}

public sealed record GroupScore(string Name, double Weight, double? Score, int Metrics, int Passed);

/// <summary>
/// The 0–100 canary score: groups weighted, a failing critical metric fails the run. <see cref="Summary"/> says the
/// score, its class against the plan's thresholds, and each metric judged worse, in words.
/// </summary>
public sealed record CanaryScore(double? Score, ScoreClassification Classification, IReadOnlyList<GroupScore> Groups, IReadOnlyList<MetricJudgement> Metrics, string TestName, string Summary)
{
    public string ClassificationText => Classification switch
    {
        ScoreClassification.Pass => "PASS",
        ScoreClassification.Marginal => "MARGINAL",
        ScoreClassification.Fail => "FAIL",
        _ => "NO DATA",
    };

    public IEnumerable<MetricJudgement> Worse => Metrics.Where(m => m.Outcome == JudgementOutcome.Worse);
}

/// <summary>
/// What a gate saw over the judgement's minutes: on how many the canary failed <see cref="Gate"/> while the control met
/// the same limit (for a relative gate: the canary was off in the metric's bad direction).
/// </summary>
public sealed record GateEvidence(string MetricKey, string Gate, int CanaryOnlyFailures, int Minutes);

/// <summary>One metric's overall series, canary and control, on the minutes where both have a value, in time order.</summary>
public sealed record PairedSeries(IReadOnlyList<double> Canary, IReadOnlyList<double> Control)
{
    public static PairedSeries Empty { get; } = new([], []);
}
