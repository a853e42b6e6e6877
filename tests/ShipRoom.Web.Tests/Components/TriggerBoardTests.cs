using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class TriggerBoardTests : ComponentTestContext
{
    private static RolloutVerdict WithTrigger(Func<TriggerVerdict, TriggerVerdict> change)
    {
        var verdict = Verdict();
        return verdict with { Triggers = [change(verdict.Triggers[0])] };
    }

    [Fact]
    public void The_trigger_board_shows_how_long_a_condition_has_held_and_how_long_remains()
    {
        var board = Render<TriggerBoard>(p => p.Add(x => x.Verdict, Verdict()));

        var row = board.Find("tr[data-trigger=errors]");
        Assert.Contains("ARMING", row.TextContent);
        Assert.Contains("3 of 5 min", row.TextContent);
        Assert.Contains("Error rate, overall — Error rate canary 0.9%", row.TextContent);
        Assert.Contains("2m", row.TextContent);
        Assert.Contains("ROLL BACK", row.TextContent);
    }

    [Fact]
    public void Dashboards_showing_the_same_verdict_show_the_same_rows_and_each_shows_the_next_verdict_as_it_is()
    {
        var verdict = Verdict();
        var first = Render<TriggerBoard>(p => p.Add(x => x.Verdict, verdict));
        var second = Render<TriggerBoard>(p => p.Add(x => x.Verdict, verdict));
        Assert.Equal(first.Find("tbody").InnerHtml, second.Find("tbody").InnerHtml);

        // The rows written for one verdict are not those of the next: a new streak and a fired trigger show at once.
        second.Render(p => p.Add(x => x.Verdict, WithTrigger(t => t with { ConsecutiveBad = 4 })));
        Assert.Contains("4 of 5 min", second.Find("tr[data-trigger=errors]").TextContent);
        first.Render(p => p.Add(x => x.Verdict, WithTrigger(t => t with { State = TriggerState.Fired, FiredAt = Now.AddMinutes(-1) })));
        Assert.Equal("FIRED 10:29 UTC", first.Find("tr[data-trigger=errors] .trigger-state").TextContent);
        Assert.Contains("3 of 5 min", Render<TriggerBoard>(p => p.Add(x => x.Verdict, verdict)).Find("tr[data-trigger=errors]").TextContent);
    }

    [Fact]
    public void A_fired_trigger_says_when_it_fired_and_a_hold_trigger_says_hold()
    {
        var fired = WithTrigger(t => t with { State = TriggerState.Fired, FiredAt = Now.AddMinutes(-1), Action = TriggerAction.Hold });

        var row = Render<TriggerBoard>(p => p.Add(x => x.Verdict, fired)).Find("tr[data-trigger=errors]");

        Assert.Equal("FIRED 10:29 UTC", row.QuerySelector(".trigger-state")!.TextContent);
        Assert.Equal("fired", row.QuerySelectorAll("td")[3].TextContent);
        Assert.Equal("HOLD", row.QuerySelectorAll("td")[4].TextContent);
        Assert.Contains("trigger-fired", row.ClassName);
    }

    [Fact]
    public void An_idle_trigger_shows_no_streak_no_countdown_and_no_stale_detail()
    {
        var idle = WithTrigger(t => t with { State = TriggerState.Idle, ConsecutiveBad = 0 });

        var cells = Render<TriggerBoard>(p => p.Add(x => x.Verdict, idle)).Find("tr[data-trigger=errors]").QuerySelectorAll("td");

        Assert.Equal(("—", "—"), (cells[2].TextContent, cells[3].TextContent));
        Assert.Equal("Error rate, overall", cells[0].QuerySelector(".trigger-watches")!.TextContent);
    }

    [Fact]
    public void Without_triggers_the_board_says_none_were_judged_and_probes_show_their_results()
    {
        var probes = new[]
        {
            new ProbeStatus("checkout-journey", Now.AddMinutes(-1), false, "HTTP 502 on /pay", 2, 9),
            new ProbeStatus("login", null, null, null, 0, 0),
        };

        var board = Render<TriggerBoard>(p => p.Add(x => x.Verdict, null).Add(x => x.Probes, probes));

        Assert.Contains("No triggers judged yet.", board.Markup);
        var failing = board.Find("tr[data-probe=checkout-journey]").QuerySelectorAll("td");
        Assert.Equal(("FAIL: HTTP 502 on /pay", "2"), (failing[2].TextContent, failing[3].TextContent));
        Assert.Equal("not run yet", board.Find("tr[data-probe=login]").QuerySelectorAll("td")[2].TextContent);
    }
}
