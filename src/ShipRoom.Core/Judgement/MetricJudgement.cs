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
    string Reason);

public enum ScoreClassification
{
    Pass,
    Marginal,
    Fail,
    NoData,
}

public sealed record GroupScore(string Name, double Weight, double? Score, int Metrics, int Passed);

/// <summary>The 0–100 canary score: groups weighted, a failing critical metric fails the run.</summary>
public sealed record CanaryScore(double? Score, ScoreClassification Classification, IReadOnlyList<GroupScore> Groups, IReadOnlyList<MetricJudgement> Metrics, string TestName, string Summary);
