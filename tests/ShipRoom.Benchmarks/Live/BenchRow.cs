namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// One printed line: <c>bench ROW: measured X, budget Y, baseline Z: PASS|FAIL</c> (INFO for a figure with no budget), or <c>bench ROW: not measured (why)</c>
/// when the figure could not be taken (never a made-up one).
/// </summary>
public sealed record BenchRow(string Name, string? Measured, string Budget, string Baseline, bool? Passed, string? NotMeasuredWhy = null)
{
    public static BenchRow NotMeasured(string name, string budget, string why) => new(name, null, budget, "—", null, why);

    /// <summary>A figure printed for context, with no budget to pass or fail.</summary>
    public bool Informational { get; init; }

    private string Verdict => Informational ? "INFO" : Passed == true ? "PASS" : "FAIL";

    public string Line => Measured is null
        ? $"bench {Name}: not measured ({NotMeasuredWhy})"
        : $"bench {Name}: measured {Measured}, budget {Budget}, baseline {Baseline}: {Verdict}";

    public string MarkdownRow => Measured is null
        ? $"| {Name} | not measured: {Escape(NotMeasuredWhy!)} | {Escape(Budget)} | — | — |"
        : $"| {Name} | {Escape(Measured)} | {Escape(Budget)} | {Escape(Baseline)} | {Verdict} |";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
