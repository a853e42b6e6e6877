using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

/// <summary>settings.executiveUpdates: the executive's scheduled posts, as directive 000 asks for them, and what a malformed one is told.</summary>
public sealed class ExecutiveUpdateSettingTests
{
    private static string Text(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file));

    [Fact]
    public void Directive_000_asks_a_daily_10_00_update_and_twice_daily_status_for_72_hours_after_launch()
    {
        var updates = PlanParser.Parse(Text("directive-000-staging-soak-then-10-50-100.yaml"), "000.yaml").Plan!.ExecutiveUpdates;

        Assert.Equal(2, updates.Count);
        Assert.Equal(("Daily executive update", "executive", "t0", (TimeSpan?)null), (updates[0].Name, updates[0].TimeZone, updates[0].From, updates[0].For));
        Assert.Equal([new TimeOnly(10, 0)], updates[0].At);
        Assert.Equal(("completion", (TimeSpan?)TimeSpan.FromHours(72)), (updates[1].From, updates[1].For));
        Assert.Equal([new TimeOnly(9, 0), new TimeOnly(17, 0)], updates[1].At);
        Assert.Empty(PlanParser.Parse(Text("directive-004-ramp-1-10-25-50-100.yaml"), "004.yaml").Plan!.ExecutiveUpdates);
    }

    [Theory]
    [InlineData("at: [\"25:00\"]", "settings.executiveUpdates[0].at", "'25:00' is not a time of day as HH:mm")]
    [InlineData("at: [\"10:00\"]\n      timeZone: Mars/Olympus", "settings.executiveUpdates[0].timeZone", "'Mars/Olympus' is not a time zone")]
    [InlineData("at: [\"10:00\"]\n      from: completion", "settings.executiveUpdates[0].for", "need how long they go on")]
    [InlineData("at: [\"10:00\"]\n      from: launch", "settings.executiveUpdates[0].from", "'launch' must be 't0'")]
    public void A_malformed_update_is_refused_naming_its_field(string body, string field, string message)
    {
        var text = Text("directive-004-ramp-1-10-25-50-100.yaml")
            .Replace("  pollEvery: 1m\n", $"  pollEvery: 1m\n  executiveUpdates:\n    - name: Daily\n      {body}\n", StringComparison.Ordinal);

        var result = PlanParser.Parse(text, "plan.yaml");

        var problem = Assert.Single(result.Problems, p => p.Severity == ProblemSeverity.Error);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message);
    }
}

/// <summary>roster[].page: what a role's person asks to be paged for, as directives 000 and 004 say it.</summary>
public sealed class RosterPageSettingTests
{
    private static string Text(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file));

    [Fact]
    public void The_executive_of_directive_004_is_paged_on_any_red_and_a_margin_deviation_and_nobody_else_is_named()
    {
        var roster = PlanParser.Parse(Text("directive-004-ramp-1-10-25-50-100.yaml"), "004.yaml").Plan!.Roster;

        Assert.Equal(["red", "margin"], roster.Single(r => r.Key == "executive").PageOn);
        Assert.All(roster.Where(r => r.Key != "executive"), r => Assert.Empty(r.PageOn));
    }

    [Fact]
    public void An_unknown_page_cause_is_refused_naming_the_role()
    {
        var text = Text("directive-004-ramp-1-10-25-50-100.yaml").Replace("page: [red, margin]", "page: [red, everything]", StringComparison.Ordinal);

        var problem = Assert.Single(PlanParser.Parse(text, "plan.yaml").Problems, p => p.Severity == ProblemSeverity.Error);

        Assert.EndsWith(".page", problem.Field);
        Assert.Contains("'everything' is not a page cause (causes: red, hold, rollback, margin)", problem.Message);
    }
}
