using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

/// <summary>postSuccess: what the directives pre-approve after the stable time at 100%, as the shipped plans state it, and what lint refuses.</summary>
public sealed class PostSuccessPlanTests
{
    private static string Text(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file));

    [Theory]
    [InlineData("directive-003-authorization-5-25-50-100.yaml")]
    [InlineData("directive-004-ramp-1-10-25-50-100.yaml")]
    public void The_plans_of_the_directives_with_post_success_actions_pre_approve_them_after_two_hours_stable(string file)
    {
        var plan = PlanParser.Parse(Text(file), file).Plan!;

        Assert.Equal(TimeSpan.FromHours(2), plan.Stabilisation);
        var post = plan.PostSuccess!;
        Assert.Equal([PostSuccessActions.LiftPaymentCaps, PostSuccessActions.RemoveInfraLock], post.Actions);
        Assert.True(post.WinNote);
        Assert.Equal(TimeSpan.FromDays(7), post.CohortReview!.After);
        Assert.Contains("signup_completion_pct", post.CohortReview.Metrics);
        Assert.Contains("cost_per_user_usd", post.CohortReview.Metrics);
        Assert.Equal(["lift-payment-caps", "remove-infra-lock", "change-freeze", "win-note", "cohort-review"], PostSuccessSteps.For(plan));
    }

    [Fact]
    public void A_plan_without_post_success_has_no_steps()
    {
        var plan = PlanParser.Parse(Text("directive-001-synthetic-then-5-25-100.yaml"), "p.yaml").Plan!;

        Assert.Null(plan.PostSuccess);
        Assert.Empty(PostSuccessSteps.For(plan));
    }

    [Theory]
    [InlineData("  actions: [lift-payment-caps, remove-infra-lock]", "  actions: [lift-payment-caps, reboot-the-world]", "postSuccess.actions")]
    [InlineData("  actions: [lift-payment-caps, remove-infra-lock]", "  actions: [remove-infra-lock, remove-infra-lock]", "postSuccess.actions")]
    [InlineData("    after: 7d", "    after: 0m", "postSuccess.cohortReview.after")]
    [InlineData("    metrics: [signup_completion_pct,", "    metrics: [arpu_usd,", "postSuccess.cohortReview.metrics")]
    [InlineData("  winNote: true", "  winNote: true\n  emailTheBoard: true", "postSuccess")]
    public void Lint_refuses_an_unknown_action_a_repeat_a_review_due_at_ga_and_an_unknown_metric(string from, string to, string field)
    {
        var text = Text("directive-004-ramp-1-10-25-50-100.yaml");
        Assert.Contains(from, text);
        var result = PlanParser.Parse(text.Replace(from, to, StringComparison.Ordinal), "plan.yaml");

        Assert.Contains(result.Problems, p => p.Field.StartsWith(field, StringComparison.Ordinal) && p.Severity == ProblemSeverity.Error);
    }

    [Fact]
    public void Lifting_caps_needs_caps_to_lift()
    {
        var text = Text("directive-004-ramp-1-10-25-50-100.yaml");
        var start = text.IndexOf("\npaymentCaps:\n", StringComparison.Ordinal);
        var end = text.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        var result = PlanParser.Parse(text.Remove(start + 1, end - start), "plan.yaml");

        Assert.Contains(result.Problems, p => p.Field == "postSuccess.actions" && p.Message.Contains("needs paymentCaps", StringComparison.Ordinal));
    }
}
