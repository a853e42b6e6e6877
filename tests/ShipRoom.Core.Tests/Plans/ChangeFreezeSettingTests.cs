using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

/// <summary>settings.changeFreeze: the freeze after a rollout completes at 100%, as the plan states it (none when it does not).</summary>
public sealed class ChangeFreezeSettingTests
{
    private static PlanParseResult Shipped(string file) => PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file);

    [Fact]
    public void The_plans_whose_directive_says_so_freeze_24_hours_and_a_plan_that_does_not_say_freezes_nothing()
    {
        Assert.Equal(TimeSpan.FromHours(24), Shipped("directive-002-phased-canary-5-25-50-100.yaml").Plan!.ChangeFreeze);
        // "Maintain a 24-hour non-critical change freeze post-GA" (003), "... and maintain a 24-hour non-critical change freeze" (004).
        Assert.Equal(TimeSpan.FromHours(24), Shipped("directive-003-authorization-5-25-50-100.yaml").Plan!.ChangeFreeze);
        Assert.Equal(TimeSpan.FromHours(24), Shipped("directive-004-ramp-1-10-25-50-100.yaml").Plan!.ChangeFreeze);
        Assert.Null(Shipped("directive-001-synthetic-then-5-25-100.yaml").Plan!.ChangeFreeze);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("15d")]
    public void A_freeze_of_nothing_or_beyond_two_weeks_is_refused_with_its_field(string length)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml"))
            .Replace("  changeFreeze: 24h ", $"  changeFreeze: {length} ", StringComparison.Ordinal);
        var result = PlanParser.Parse(text, "plan.yaml");

        Assert.Contains(result.Problems, p => p.Field == "settings.changeFreeze" && p.Severity == ProblemSeverity.Error);
    }
}
