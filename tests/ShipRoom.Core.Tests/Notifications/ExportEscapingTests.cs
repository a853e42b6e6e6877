using ShipRoom.Core.Reports;

namespace ShipRoom.Core.Tests.Notifications;

public sealed class ExportEscapingTests
{
    [Fact]
    public void Markdown_from_people_cannot_link_embed_or_break_the_table()
    {
        var scorecard = new Scorecard(1, "r", "v1", "abc`def", "Running", "1%", DateTimeOffset.UnixEpoch, "GO", [], null, "NoData", [], [],
            [new ScorecardDecision(DateTimeOffset.UnixEpoch, "hold", "ic", "see [here](https://evil) ![t](https://tracker/p.png) | col", "Executed", null)], [], []);

        var markdown = ScorecardExport.ToMarkdown(scorecard);

        Assert.Contains(@"see \[here\]\(https://evil\) \!\[t\]\(https://tracker/p.png\) \| col", markdown);
        Assert.Contains(@"- Commit: abc\`def", markdown);
    }

    [Fact]
    public void The_markdown_tables_have_their_heading_header_separator_and_a_row_per_item()
    {
        var scorecard = new Scorecard(1, "r", "v1", "abc", "Running", "1%", DateTimeOffset.UnixEpoch, "GO", [], null, "NoData",
            [new ScorecardGate("1%", "p95", "P95 | latency", "PASS", "GREEN", 118.5, 110, "<= 130 ms", "GREEN 15 of 15 min")],
            [new ScorecardTrigger("pay", "Payments", "rollback", "PASS", "< 99.5% for 5m", "never held")],
            [new ScorecardDecision(new DateTimeOffset(2026, 11, 25, 10, 4, 0, TimeSpan.Zero), "hold", "ic", "look", "Executed", null)], [], []);

        var markdown = ScorecardExport.ToMarkdown(scorecard);

        Assert.Contains(
            "of 1\n\n## Gates\n\n| Phase | Gate | Result | Canary | Control | Limit | Evidence |\n| --- | --- | --- | --- | --- | --- | --- |\n" +
            "| 1% | P95 \\| latency | PASS | 118.5 | 110 | &lt;= 130 ms | GREEN 15 of 15 min |\n\n" +
            "## Triggers\n\n| Trigger | Action | Result | Condition | Evidence |\n| --- | --- | --- | --- | --- |\n| Payments | rollback | PASS | &lt; 99.5% for 5m | never held |\n\n" +
            "## Decisions\n\n| When (UTC) | Decision | By | Reason | Outcome |\n| --- | --- | --- | --- | --- |\n| 2026-11-25 10:04:00 | hold | ic | look | Executed |\n\n## Checklists",
            markdown);
    }
}
