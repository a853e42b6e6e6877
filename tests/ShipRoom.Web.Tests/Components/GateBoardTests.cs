using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Web.Components.Controls;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class GateBoardTests : ComponentTestContext
{
    [Fact]
    public void Every_gate_shows_its_status_in_words_with_values_limit_and_window()
    {
        var verdict = Verdict(Gate("p95", GateStatus.Green, 96.5, 95), Gate("errors", GateStatus.Red, 140, 96, green: 14), Gate("cache", GateStatus.NoData, null, 92, green: 10, noData: 5));

        var board = Render<GateBoard>(p => p.Add(x => x.Verdict, verdict));

        var rows = board.FindAll("tr[data-gate]");
        Assert.Equal(3, rows.Count);
        Assert.Contains("GREEN", rows[0].TextContent);
        Assert.Contains("96.5 ms", rows[0].TextContent);
        Assert.Contains("✓ 15/15", rows[0].TextContent);
        Assert.Contains("RED", rows[1].TextContent);
        Assert.Contains("(1 red, 0 no data)", rows[1].TextContent);
        Assert.Contains("NO DATA", rows[2].TextContent);
        Assert.Contains("—", rows[2].QuerySelectorAll("td")[2].TextContent);
        Assert.Equal("Gate errors: RED", rows[1].QuerySelector("[role=status]")!.GetAttribute("aria-label"));
    }

    [Fact]
    public void Before_any_minute_is_judged_the_board_says_so()
    {
        var board = Render<GateBoard>(p => p.Add(x => x.Verdict, null));
        Assert.Contains("No gate has been judged yet", board.Markup);
    }

    [Theory]
    [InlineData(GateStatus.Green, "GREEN", "status-green")]
    [InlineData(GateStatus.Yellow, "YELLOW", "status-yellow")]
    [InlineData(GateStatus.Red, "RED", "status-red")]
    [InlineData(GateStatus.NoData, "NO DATA", "status-nodata")]
    [InlineData(null, "NO DATA", "status-nodata")]
    public void A_status_is_text_icon_and_colour_never_colour_alone(GateStatus? status, string text, string css)
    {
        var chip = Render<StatusChip>(p => p.Add(x => x.Status, status));

        var element = chip.Find("[role=status]");
        Assert.Equal(text, element.TextContent.Trim());
        Assert.Contains(css, element.ClassName);
        // The icon is drawn by wwwroot/css/app.css from the status class: a glyph per status, beside the text.
        Assert.NotNull(element.QuerySelector(".status-icon[aria-hidden=true]"));
    }
}
