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
}
