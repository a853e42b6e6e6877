using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ShipRoom.Core.Reports;

/// <summary>The scorecard as Markdown (for the change record), CSV (one row per gate and trigger) and JSON (everything).</summary>
public static partial class ScorecardExport
{
    public static readonly string[] CsvHeader = ["section", "phase", "key", "name", "result", "status", "canary", "control", "limit_or_condition", "evidence"];

    public static string ToJson(Scorecard scorecard) => JsonSerializer.Serialize(scorecard, ShipRoomJson.Options);

    public static Scorecard? FromJson(string json) => JsonSerializer.Deserialize<Scorecard>(json, ShipRoomJson.Options);

    public static string ToCsv(Scorecard scorecard)
    {
        var rows = scorecard.Gates.Select(g => new object?[] { "gate", g.Phase, g.Key, g.Name, g.Result, g.Status, g.Canary, g.Control, g.Limit, g.Evidence })
            .Concat(scorecard.Triggers.Select(t => new object?[] { "trigger", null, t.Key, t.Name, t.Result, t.Action, null, null, t.Condition, t.Evidence }))
            .Append(["recommendation", scorecard.Phase, null, null, scorecard.Recommendation, scorecard.Status, scorecard.CanaryScore, null, null, string.Join("; ", scorecard.Reasons)]);
        return CsvText.Table(CsvHeader, rows, r => r);
    }

    public static string ToMarkdown(Scorecard s)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Go/No-Go scorecard: {Text(s.Rollout)} {Text(s.Release)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Commit: {Text(s.Commit)}\n- Status: {s.Status} at {Text(s.Phase)}\n- Generated: {s.GeneratedAt:yyyy-MM-dd HH:mm} UTC\n");
        md.Append(CultureInfo.InvariantCulture, $"- **Recommendation: {s.Recommendation}**{(s.Reasons.Count == 0 ? "" : " — " + Text(string.Join("; ", s.Reasons)))}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Canary score: {(s.CanaryScore is { } score ? score.ToString("0", CultureInfo.InvariantCulture) + "/100" : "n/a")} ({s.CanaryClassification})\n");
        md.Append(CultureInfo.InvariantCulture, $"- Gates passed: {s.GatesPassed} of {s.Gates.Count}; triggers fired: {s.TriggersFired} of {s.Triggers.Count}\n\n");

        AppendTable(md, "Gates", ["Phase", "Gate", "Result", "Canary", "Control", "Limit", "Evidence"], s.Gates,
            g => [Cell(g.Phase), Cell(g.Name), g.Result, NumberText.Plain(g.Canary), NumberText.Plain(g.Control), Cell(g.Limit), Cell(g.Evidence)]);
        md.Append('\n');
        AppendTable(md, "Triggers", ["Trigger", "Action", "Result", "Condition", "Evidence"], s.Triggers,
            t => [Cell(t.Name), t.Action, t.Result, Cell(t.Condition), Cell(t.Evidence)]);
        md.Append('\n');
        AppendTable(md, "Decisions", ["When (UTC)", "Decision", "By", "Reason", "Outcome"], s.Decisions,
            d => [d.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Cell(d.Kind), Cell(d.Actor), Cell(d.Reason), Cell(d.Outcome)]);

        md.Append("\n## Checklists\n\n");
        foreach (var c in s.Checklists)
        {
            md.Append(CultureInfo.InvariantCulture, $"- {Text(c.Name)}: {c.Done} of {c.Total} done{(c.Open.Count == 0 ? "" : "; open: " + Text(string.Join("; ", c.Open)))}\n");
        }

        md.Append("\n## Phase summaries\n");
        foreach (var summary in s.Summaries)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### {Text(summary.Phase)}: {Text(summary.Recommendation)} (by {Text(summary.Author)}, {summary.PostedAt:yyyy-MM-dd HH:mm} UTC)\n\n");
            // Quoted so the author's Markdown cannot restructure the scorecard.
            foreach (var line in summary.Markdown.Replace("\r\n", "\n").Split('\n'))
            {
                md.Append("> ").Append(SummaryLine(line)).Append('\n');
            }
        }

        return md.ToString();
    }

    /// <summary>A Markdown table under its heading; each cell already escaped by the caller.</summary>
    private static void AppendTable<T>(StringBuilder md, string title, string[] columns, IEnumerable<T> rows, Func<T, string[]> cells)
    {
        md.Append("## ").Append(title).Append("\n\n| ").AppendJoin(" | ", columns).Append(" |\n|");
        md.Append(string.Concat(columns.Select(_ => " --- |"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", cells(row)).Append(" |\n");
        }
    }

    /// <summary>
    /// People's text as literal Markdown: raw HTML escaped, and link, image, emphasis and code markup backslash-escaped,
    /// so a reason cannot become a live link or a tracking image in the change record.
    /// </summary>
    private static string Text(string? value) =>
        MarkdownMarkup().Replace((value ?? "").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"), @"\$0");

    /// <summary>A summary keeps its emphasis and lists, but not raw HTML, links or images.</summary>
    private static string SummaryLine(string line) =>
        LinkMarkup().Replace(line.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"), @"\$0");

    [System.Text.RegularExpressions.GeneratedRegex(@"[\[\]!]")]
    private static partial System.Text.RegularExpressions.Regex LinkMarkup();

    [System.Text.RegularExpressions.GeneratedRegex(@"[\\`*_\[\]()!#]")]
    private static partial System.Text.RegularExpressions.Regex MarkdownMarkup();

    private static string Cell(string? value) => Text(value).Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
