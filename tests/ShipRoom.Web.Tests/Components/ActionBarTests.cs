using Bunit;
using MudBlazor;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

/// <summary>The Hold / Roll back bar: which buttons each role sees, when they are disabled, and what a click sends.</summary>
public sealed class ActionBarTests : CommandComponentTestContext
{
    private static string[] Shown(IRenderedComponent<ActionBar> bar) => bar.FindAll("button").Select(b => b.TextContent.Trim()).ToArray();

    private static bool Disabled(IRenderedComponent<ActionBar> bar, string text) => Button(bar, text).HasAttribute("disabled");

    [Fact]
    public void A_viewer_sees_no_action_bar_at_all()
    {
        SignIn("vera", Roles.Viewer);

        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(null)));

        Assert.Empty(bar.FindAll("[role=toolbar]"));
        Assert.Empty(bar.FindAll("button"));
    }

    [Theory]
    [InlineData(Roles.IncidentCommander, new[] { "Hold", "Roll back", "Resume", "Advance", "Poll now" })]
    [InlineData(Roles.ReleaseEngineer, new[] { "Hold", "Roll back", "Resume", "Advance", "Poll now" })]
    [InlineData(Roles.ExecutiveApprover, new[] { "Hold", "Roll back", "Resume", "Advance", "Approve" })]
    [InlineData(Roles.Admin, new[] { "Poll now" })]
    [InlineData(Roles.ProductManager, new string[0])]
    public void Each_role_sees_the_buttons_the_permission_matrix_gives_it(string role, string[] expected)
    {
        SignIn("someone", role);

        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(Verdict())));

        Assert.Equal(expected, Shown(bar));
    }

    [Fact]
    public void Start_shows_only_while_the_rollout_is_scheduled()
    {
        SignIn("rel", Roles.ReleaseEngineer);

        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(null) with { Status = RolloutStatus.Scheduled }));

        Assert.Equal("Start", Shown(bar)[0]);
        Assert.False(Disabled(bar, "Start"));
        Assert.True(Disabled(bar, "Hold"));
    }

    [Theory]
    [InlineData(RolloutStatus.Running, false, false, true)]
    [InlineData(RolloutStatus.Stabilising, false, false, true)]
    [InlineData(RolloutStatus.Held, true, false, false)]
    [InlineData(RolloutStatus.RollingBack, true, true, true)]
    [InlineData(RolloutStatus.RolledBack, true, true, true)]
    [InlineData(RolloutStatus.Completed, true, true, true)]
    public void Hold_roll_back_and_resume_are_enabled_only_where_they_can_act(RolloutStatus status, bool holdDisabled, bool rollBackDisabled, bool resumeDisabled)
    {
        SignIn("ic", Roles.IncidentCommander);

        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(Verdict()) with { Status = status }));

        Assert.Equal((holdDisabled, rollBackDisabled, resumeDisabled), (Disabled(bar, "Hold"), Disabled(bar, "Roll back"), Disabled(bar, "Resume")));
        Assert.Equal(!RolloutStateMachine.IsLive(status), Disabled(bar, "Poll now"));
    }

    [Fact]
    public void A_rollback_that_failed_at_the_deploy_system_can_be_asked_again()
    {
        SignIn("ic", Roles.IncidentCommander);
        var snapshot = Snapshot(Verdict()) with { Status = RolloutStatus.RollingBack };
        snapshot = snapshot with { Rollback = snapshot.Rollback with { Error = "deploy API answered 503" } };

        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.False(Disabled(bar, "Roll back"));
    }

    [Fact]
    public void Advance_is_disabled_until_the_verdict_allows_it_and_approve_until_a_sign_off_is_needed()
    {
        SignIn("exec", Roles.ExecutiveApprover);
        var verdict = Verdict();
        var waiting = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(verdict)));
        Assert.True(Disabled(waiting, "Advance"));
        Assert.True(Disabled(waiting, "Approve"));

        var ready = verdict with { Advance = verdict.Advance with { MayAdvance = true } };
        var needsSignOff = verdict with { Advance = verdict.Advance with { ApprovalRequired = true, AutoApproved = false, Approval = null } };
        var may = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(ready)));
        var sign = Render<ActionBar>(p => p.Add(x => x.Snapshot, Snapshot(needsSignOff)));

        Assert.False(Disabled(may, "Advance"));
        Assert.False(Disabled(sign, "Approve"));
    }

    [Fact]
    public async Task Hold_asks_for_a_reason_then_holds_the_rollout_as_the_signed_in_person()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));

        _ = Button(bar, "Hold").ClickAsync(new());
        Assert.Contains("Stop at the current traffic share", dialogs.WaitForElement(".mud-dialog").TextContent);
        AnswerReasonDialog(dialogs, "Hold", "  checkout p95 climbing  ");

        bar.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Success), TimeSpan.FromSeconds(10));
        var after = await LatestAsync(snapshot.Id);
        Assert.Equal(RolloutStatus.Held, after.Status);
        Assert.Contains(after.Timeline, e => e.Actor == "iris" && e.Reason == "checkout p95 climbing");
    }

    /// <summary>
    /// A button is a plain element: its disabled attribute does not stop a click already on its way or one a client
    /// makes up. Resume on a running rollout and Hold on a held one open no dialog and change nothing.
    /// </summary>
    [Fact]
    public async Task A_click_on_a_disabled_button_does_nothing()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var running = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));
        var held = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot with { Status = RolloutStatus.Held }));

        Assert.True(Button(running, "Resume").HasAttribute("disabled"));
        Assert.True(Button(held, "Hold").HasAttribute("disabled"));
        // A click that opened the dialog would wait for its answer: each must be over at once (bounded).
        foreach (var click in new[] { Button(running, "Resume").ClickAsync(new()), Button(held, "Hold").ClickAsync(new()) })
        {
            Assert.Same(click, await Task.WhenAny(click, Task.Delay(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken)));
        }

        Assert.Empty(dialogs.FindAll(".mud-dialog"));
        Assert.Equal(RolloutStatus.Running, (await LatestAsync(snapshot.Id)).Status);
    }

    [Fact]
    public async Task Cancelling_the_dialog_sends_nothing()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));

        _ = Button(bar, "Roll back").ClickAsync(new());
        dialogs.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        var after = await LatestAsync(snapshot.Id);
        Assert.Equal((RolloutStatus.Running, snapshot.Version), (after.Status, after.Version));
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public async Task The_confirm_button_stays_disabled_until_a_reason_is_typed()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));

        _ = Button(bar, "Roll back").ClickAsync(new());

        var confirm = dialogs.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Roll back");
        Assert.True(confirm.HasAttribute("disabled"));
        Assert.Contains(snapshot.Release.Version, dialogs.Find(".mud-dialog").TextContent);
    }

    [Fact]
    public async Task Roll_back_sends_the_version_the_person_saw_so_a_change_in_between_is_a_conflict_not_a_rollback()
    {
        var seen = await RunningRolloutAsync();
        var other = await Host.Commands.ExecuteAsync(new(seen.Id, RolloutCommand.Hold, new("rel", [Roles.ReleaseEngineer]), "someone else held first"), Ct);
        Assert.Equal(Infrastructure.Rollouts.Commands.CommandStatus.Executed, other.Status);
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, seen));

        _ = Button(bar, "Roll back").ClickAsync(new());
        AnswerReasonDialog(dialogs, "Roll back", "error rate");

        bar.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Warning && s.Message?.Contains("changed while you were deciding") == true), TimeSpan.FromSeconds(10));
        Assert.Equal(RolloutStatus.Held, (await LatestAsync(seen.Id)).Status);
    }

    [Fact]
    public async Task Roll_back_on_the_current_version_starts_the_rollback()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("iris", Roles.IncidentCommander);
        var dialogs = RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));

        _ = Button(bar, "Roll back").ClickAsync(new());
        AnswerReasonDialog(dialogs, "Roll back", "error rate over budget");

        bar.WaitForAssertion(() => Assert.NotEmpty(Snackbar.ShownSnackbars), TimeSpan.FromSeconds(10));
        var after = await LatestAsync(snapshot.Id);
        Assert.Contains(after.Status, new[] { RolloutStatus.RollingBack, RolloutStatus.RolledBack });
        Assert.NotNull(after.Rollback.RequestedAt);
    }

    [Fact]
    public async Task Poll_now_polls_the_source_and_says_how_many_samples_came_back()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("rel", Roles.ReleaseEngineer);
        RenderProviders();
        var bar = Render<ActionBar>(p => p.Add(x => x.Snapshot, snapshot));
        Host.Time.Advance(TimeSpan.FromMinutes(1));

        await Button(bar, "Poll now").ClickAsync(new());

        bar.WaitForAssertion(() => Assert.Matches(@"^Polled: [1-9]\d* samples$", Assert.Single(Snackbar.ShownSnackbars).Message), TimeSpan.FromSeconds(10));
    }
}
