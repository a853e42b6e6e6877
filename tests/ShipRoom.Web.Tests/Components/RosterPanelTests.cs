using Bunit;
using MudBlazor;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Web.Components.Controls;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class RosterPanelTests : CommandComponentTestContext
{
    private static RolloutSnapshot WithRoster(params RosterSnapshot[] roster) => Snapshot(null) with { Roster = roster };

    [Fact]
    public void Each_role_shows_primary_and_backup_with_the_contact_details_given()
    {
        SignIn("vera", Roles.Viewer);
        var snapshot = WithRoster(new RosterSnapshot("ic", "Incident Commander", Roles.IncidentCommander,
            new RosterEntry("ic", "Iris", "+1 555 0100", "@iris", "America/Los_Angeles", "Bo", null, "@bo", null, 1)));

        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, snapshot));

        var cells = panel.Find("tr[data-roster=ic]").QuerySelectorAll("td");
        Assert.Equal("Iris · +1 555 0100 · @iris · America/Los_Angeles", cells[1].TextContent);
        Assert.Equal("Bo · @bo", cells[2].TextContent);
        Assert.Empty(panel.FindAll(".mud-alert"));
    }

    [Fact]
    public void A_role_the_plan_pages_says_what_for_and_the_others_say_nothing()
    {
        SignIn("vera", Roles.Viewer);
        var snapshot = WithRoster(
            new RosterSnapshot("executive", "Executive approver", Roles.ExecutiveApprover, null) { PageOn = ["red", "margin"] },
            new RosterSnapshot("ic", "Incident Commander", Roles.IncidentCommander, null));

        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.Equal("Paged on any RED gate, margin more than 3% from control", panel.Find("tr[data-roster=executive] .roster-paged").TextContent);
        Assert.Empty(panel.FindAll("tr[data-roster=ic] .roster-paged"));
    }

    [Fact]
    public void Roles_without_a_primary_or_a_backup_are_named_and_counted()
    {
        SignIn("vera", Roles.Viewer);
        var snapshot = WithRoster(
            new RosterSnapshot("ic", "Incident Commander", Roles.IncidentCommander, null),
            new RosterSnapshot("data", "Data lead", Roles.DataLead, new RosterEntry("data", "Dee", null, null, null, null, null, null, null, 0)),
            new RosterSnapshot("owner-db", "Domain owner, database", null, new RosterEntry("owner-db", "Ann", null, null, null, "Ben", null, null, null, 0)));

        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.Contains("2 role(s) without a primary or a named backup", panel.Find(".mud-alert").TextContent);
        Assert.Contains("(no primary)", panel.Find("tr[data-roster=ic]").TextContent);
        Assert.Equal("—", panel.Find("tr[data-roster=ic]").QuerySelectorAll("td")[1].TextContent);
        Assert.Contains("(no backup)", panel.Find("tr[data-roster=data]").TextContent);
        Assert.DoesNotContain("(no", panel.Find("tr[data-roster=owner-db]").TextContent);
    }

    [Theory]
    [InlineData(Roles.ReleaseEngineer, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.IncidentCommander, false)]
    [InlineData(Roles.Viewer, false)]
    public void Only_release_engineering_and_admins_see_edit(string role, bool canEdit)
    {
        SignIn("someone", role);

        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, WithRoster(new RosterSnapshot("ic", "Incident Commander", Roles.IncidentCommander, null))));

        Assert.Equal(canEdit, panel.FindAll("button[aria-label='Edit Incident Commander']").Count == 1);
        Assert.Equal(canEdit, panel.FindAll("button[data-copy-roster]").Count == 1);
    }

    /// <summary>A release engineer opens the edit dialog of the first role of a running rollout.</summary>
    private async Task<(RolloutSnapshot Snapshot, RosterSnapshot Role, IRenderedComponent<MudDialogProvider> Dialogs, AngleSharp.Dom.IHtmlCollection<AngleSharp.Dom.IElement> Inputs)> EditFirstRoleAsync()
    {
        var snapshot = await RunningRolloutAsync();
        var role = snapshot.Roster[0];
        SignIn("rel", Roles.ReleaseEngineer);
        var dialogs = RenderProviders();
        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, snapshot));
        var edit = panel.Find($"button[aria-label='Edit {role.Title}']");
        Assert.Equal(("edit", role.Role), (edit.GetAttribute("data-row-action"), edit.Closest("[data-row]")!.GetAttribute("data-row")));
        _ = edit.Closest("tbody")!.TriggerEventAsync("onrowaction", new RowEventArgs { Row = role.Role, Action = "edit" });
        return (snapshot, role, dialogs, dialogs.WaitForElement(".mud-dialog").QuerySelectorAll("input"));
    }

    [Fact]
    public async Task Editing_a_role_saves_the_entry_from_the_dialog_for_that_role()
    {
        var (snapshot, role, dialogs, inputs) = await EditFirstRoleAsync();
        inputs[0].Change("Iris");
        inputs[1].Change("+1 555 0100");
        inputs[4].Change("Bo");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Save").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Success), TimeSpan.FromSeconds(10));
        var saved = (await LatestAsync(snapshot.Id)).Roster.Single(r => r.Role == role.Role);
        Assert.Equal(("Iris", "+1 555 0100", "Bo"), (saved.Entry!.PrimaryName, saved.Entry.PrimaryContact, saved.Entry.BackupName));
        Assert.Null(saved.Missing);
    }

    [Fact]
    public async Task Fill_from_the_last_rollout_copies_its_roster_into_the_empty_roles()
    {
        var earlier = await RunningRolloutAsync();
        var role = earlier.Roster[0];
        await Host.Get<ShipRoom.Infrastructure.Rollouts.Commands.RosterService>().UpdateAsync(earlier.Id,
            new RosterEntry(role.Role, "Iris", null, "@iris", null, "Bo", null, null, null, 1), RolloutTestHost.Person("rel", Roles.ReleaseEngineer), Ct);
        var snapshot = await RunningRolloutAsync();
        SignIn("rel", Roles.ReleaseEngineer);
        var panel = Render<RosterPanel>(p => p.Add(x => x.Snapshot, snapshot));

        panel.Find("button[data-copy-roster]").Click();

        panel.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == $"1 role(s) copied from rollout {earlier.Id}"), TimeSpan.FromSeconds(10));
        var copied = (await LatestAsync(snapshot.Id)).Roster.Single(r => r.Role == role.Role);
        Assert.Equal(("Iris", "Bo"), (copied.Entry!.PrimaryName, copied.Entry.BackupName));
    }

    [Fact]
    public async Task The_time_zone_is_offered_as_it_is_typed_and_a_wrong_one_is_named_without_losing_what_was_typed()
    {
        var (_, _, dialogs, inputs) = await EditFirstRoleAsync();
        inputs[0].Change("Iris");
        dialogs.FindAll(".mud-dialog input")[3].Input("Berl");
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-popover .mud-list-item"), item => item.TextContent.Trim() == "Europe/Berlin"), TimeSpan.FromSeconds(10));

        dialogs.FindAll(".mud-dialog input")[3].Input("Mars/Olympus");

        dialogs.WaitForAssertion(() => Assert.Contains("'Mars/Olympus' is not a time zone ShipRoom knows", dialogs.Find(".mud-dialog").TextContent), TimeSpan.FromSeconds(10));
        Assert.True(dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Save").HasAttribute("disabled"));
        Assert.Equal("Iris", dialogs.FindAll(".mud-dialog input")[0].GetAttribute("value"));
    }
}
