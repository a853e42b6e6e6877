namespace ShipRoom.Core.Plans;

public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>One thing wrong with a plan file, where it is (1-based line and column) and which field.</summary>
public sealed record PlanProblem(string File, int Line, int Column, string Field, string Message, ProblemSeverity Severity = ProblemSeverity.Error)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {(Severity == ProblemSeverity.Error ? "error" : "warning")}: {Field}: {Message}";
}

/// <summary>The parsed plan (null when it has errors) and every problem found.</summary>
public sealed record PlanParseResult(RolloutPlan? Plan, IReadOnlyList<PlanProblem> Problems)
{
    public bool HasErrors => Problems.Any(p => p.Severity == ProblemSeverity.Error);
}
