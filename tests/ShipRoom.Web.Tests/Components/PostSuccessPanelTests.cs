using Bunit;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class PostSuccessPanelTests : ComponentTestContext
{
    private static PostSuccessStepSnapshot Step(string step, string title, string outcome, int attempts = 1, string? detail = "detail") =>
        new(step, title, outcome, outcome == "pending" ? null : detail, attempts, outcome == "pending" ? null : Now.AddMinutes(-1));

    [Fact]
    public void Each_step_says_what_really_happened_and_the_due_times_show()
    {
        var post = new PostSuccessSnapshot(
            [
                Step("lift-payment-caps", "Lift payment caps", "acknowledged"),
                Step("remove-infra-lock", "Remove the infra lock", "failed", attempts: 3),
                Step("change-freeze", "Start the change freeze", "done"),
                Step("win-note", "Draft the win note", "recorded-only"),
                Step("cohort-review", "Post the cohort review", "pending"),
            ],
            new PostmortemSnapshot("completed at 100%", Now.AddHours(-1), Now.AddHours(23), "ShipRoom (automatic)", Now.AddHours(-1), null, null),
            Now.AddDays(7),
            "7-day cohort review");

        var panel = Render<PostSuccessPanel>(p => p.Add(x => x.PostSuccess, post).Add(x => x.RolloutId, 7).Add(x => x.Now, Now));

        Assert.Equal(
            ["ACKNOWLEDGED by the deploy system", "FAILED (3 attempts): carry it out by runbook", "DONE", "RECORDED ONLY: no deploy system, do it by runbook", "PENDING"],
            panel.FindAll("tbody tr td:nth-child(2)").Select(td => td.TextContent));
        Assert.Contains("Win note draft for a PM to edit and publish. Due", panel.Find("[data-win-note-due]").TextContent);
        Assert.Equal("rollouts/7/win-note", panel.Find("[data-win-note-due] a").GetAttribute("href"));
        Assert.Contains("7-day cohort review: due", panel.Find("[data-cohort-review-due]").TextContent);
        Assert.Contains("(in 7 days)", panel.Find("[data-cohort-review-due]").TextContent);
    }

    [Fact]
    public void Before_completion_there_is_no_panel()
    {
        var panel = Render<PostSuccessPanel>(p => p.Add(x => x.PostSuccess, null).Add(x => x.RolloutId, 7));

        Assert.Empty(panel.FindAll("[data-post-success]"));
    }
}
