namespace ShipRoom.Core.Reports;

/// <summary>How a gate or trigger came out, in words a Go/No-Go review reads. A YELLOW gate passed (its status says YELLOW).</summary>
public static class ScorecardResults
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string NoData = "NO DATA";
    public const string Fired = "FIRED";
}

/// <summary>
/// The Go/No-Go scorecard of one rollout: every gate of every phase reached and every trigger, each with its result
/// and evidence; the decisions and who made them; the PMs' summaries; checklist completion; the canary score and the
/// final recommendation.
/// </summary>
public sealed record Scorecard(
    long RolloutId,
    string Rollout,
    string Release,
    string Commit,
    string Status,
    string Phase,
    DateTimeOffset GeneratedAt,
    string Recommendation,
    IReadOnlyList<string> Reasons,
    double? CanaryScore,
    string CanaryClassification,
    IReadOnlyList<ScorecardGate> Gates,
    IReadOnlyList<ScorecardTrigger> Triggers,
    IReadOnlyList<ScorecardDecision> Decisions,
    IReadOnlyList<ScorecardSummary> Summaries,
    IReadOnlyList<ScorecardChecklist> Checklists)
{
    public int GatesPassed => Gates.Count(g => g.Result == ScorecardResults.Pass);

    public int TriggersFired => Triggers.Count(t => t.Result == ScorecardResults.Fired);
}

public sealed record ScorecardGate(string Phase, string Key, string Name, string Result, string Status, double? Canary, double? Control, string Limit, string Evidence);

public sealed record ScorecardTrigger(string Key, string Name, string Action, string Result, string Condition, string Evidence);

public sealed record ScorecardDecision(DateTimeOffset At, string Kind, string Actor, string? Reason, string Outcome, string? Detail);

public sealed record ScorecardSummary(string Phase, string Author, string Recommendation, string Markdown, DateTimeOffset PostedAt);

public sealed record ScorecardChecklist(string Name, int Done, int Total, IReadOnlyList<string> Open);
