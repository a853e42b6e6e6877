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

        md.Append("## Gates\n\n| Phase | Gate | Result | Canary | Control | Limit | Evidence |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var g in s.Gates)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(g.Phase)} | {Cell(g.Name)} | {g.Result} | {NumberText.Plain(g.Canary)} | {NumberText.Plain(g.Control)} | {Cell(g.Limit)} | {Cell(g.Evidence)} |\n");
        }

        md.Append("\n## Triggers\n\n| Trigger | Action | Result | Condition | Evidence |\n| --- | --- | --- | --- | --- |\n");
        foreach (var t in s.Triggers)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(t.Name)} | {t.Action} | {t.Result} | {Cell(t.Condition)} | {Cell(t.Evidence)} |\n");
        }

        md.Append("\n## Decisions\n\n| When (UTC) | Decision | By | Reason | Outcome |\n| --- | --- | --- | --- | --- |\n");
        foreach (var d in s.Decisions)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {d.At:yyyy-MM-dd HH:mm:ss} | {Cell(d.Kind)} | {Cell(d.Actor)} | {Cell(d.Reason)} | {Cell(d.Outcome)} |\n");
        }

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
