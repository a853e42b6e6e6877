using Bunit;
using MudBlazor;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Components.Controls;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class ChecklistPanelTests : CommandComponentTestContext
{
    /// <summary>
    /// What wwwroot/ShipRoom.Web.lib.module.js sends when a box is ticked: the change, heard by the item's list (the E2E
    /// tests tick real boxes in Chromium).
    /// </summary>
    private static Task Tick(IRenderedComponent<ChecklistPanel> panel, string key) =>
        ListOf(panel, key).TriggerEventAsync("onrowchange", new RowEventArgs { Row = key, Checked = true });

    private static AngleSharp.Dom.IElement ListOf(IRenderedComponent<ChecklistPanel> panel, string key)
    {
        var box = panel.Find($"#item-{key}");
        Assert.Equal(key, box.Closest("[data-row]")!.GetAttribute("data-row"));
        return box.Closest("ul.checklist-items")!;
    }

    private static ChecklistItemSnapshot Item(RolloutSnapshot snapshot, string key) => snapshot.Checklists.SelectMany(l => l.Items).Single(i => i.Key == key);

    [Fact]
    public async Task Every_checklist_of_the_plan_shows_its_items_and_how_many_are_closed()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("vera", Roles.Viewer);

        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.NotEmpty(snapshot.Checklists);
        Assert.Equal(snapshot.Checklists.Count, panel.FindAll("[data-checklist]").Count);
        var first = snapshot.Checklists[0];
        var list = panel.Find($"[data-checklist='{first.Name}']");
        Assert.Equal($"{first.Done} of {first.Items.Count} done", list.QuerySelector(".checklist-count")!.TextContent);
        Assert.Equal(first.Items.Count, list.QuerySelectorAll("li[data-item]").Length);
        Assert.Contains(first.Items[0].Title, list.TextContent);
    }

    [Fact]
    public async Task A_viewer_sees_the_lists_but_cannot_tick_or_mark_anything()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("vera", Roles.Viewer);

        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.All(panel.FindAll("input[type=checkbox]"), box => Assert.True(box.HasAttribute("disabled")));
        Assert.DoesNotContain(panel.FindAll("button"), b => b.TextContent.Trim() == "N/A");
    }

    [Fact]
    public async Task Ticking_a_box_records_the_item_done_by_the_signed_in_person()
    {
        var snapshot = await RunningRolloutAsync();
        var item = snapshot.Checklists[0].Items[0];
        SignIn("dana", Roles.DataLead);
        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        await Tick(panel, item.Key);

        var after = await LatestAsync(snapshot.Id);
        Assert.Equal((TickStates.Done, "dana"), (Item(after, item.Key).State, Item(after, item.Key).By));
        panel.Render(p => p.Add(x => x.Snapshot, after));
        Assert.True(panel.Find($"#item-{item.Key}").HasAttribute("checked"));
        Assert.Contains("done by dana", panel.Find($"li[data-item='{item.Key}']").TextContent);
        Assert.Equal($"{snapshot.Checklists[0].Done + 1} of {snapshot.Checklists[0].Items.Count} done", panel.Find(".checklist-count").TextContent);
    }

    [Fact]
    public async Task A_tick_or_not_applicable_forged_by_a_viewer_is_ignored_and_records_nothing()
    {
        var snapshot = await RunningRolloutAsync();
        var item = snapshot.Checklists[0].Items[0];
        SignIn("vera", Roles.Viewer);
        var dialogs = RenderProviders();
        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        await Tick(panel, item.Key);
        await ListOf(panel, item.Key).TriggerEventAsync("onrowaction", new RowEventArgs { Row = item.Key, Action = "not-applicable" });

        Assert.Empty(dialogs.FindAll(".mud-dialog"));
        var after = Item(await LatestAsync(snapshot.Id), item.Key);
        Assert.Equal((item.State, item.By), (after.State, after.By));
    }

    [Fact]
    public async Task Not_applicable_asks_for_a_reason_and_records_it_with_the_name()
    {
        var snapshot = await RunningRolloutAsync();
        var item = snapshot.Checklists[0].Items[1];
        SignIn("rel", Roles.ReleaseEngineer);
        var dialogs = RenderProviders();
        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        var button = panel.Find($"li[data-item='{item.Key}'] button");
        Assert.Equal("not-applicable", button.GetAttribute("data-row-action"));
        _ = ListOf(panel, item.Key).TriggerEventAsync("onrowaction", new RowEventArgs { Row = item.Key, Action = "not-applicable" });
        Assert.Contains($"'{item.Title}' will count as closed", dialogs.WaitForElement(".mud-dialog").TextContent);
        AnswerReasonDialog(dialogs, "Mark not applicable", "no payments change in this release");

        panel.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        var after = Item(await LatestAsync(snapshot.Id), item.Key);
        Assert.Equal((TickStates.NotApplicable, "rel", "no payments change in this release"), (after.State, after.By, after.Reason));
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public void An_item_marked_not_applicable_cannot_be_ticked_and_shows_why_and_an_overdue_item_says_so()
    {
        SignIn("rel", Roles.ReleaseEngineer);
        var items = new[]
        {
            new ChecklistItemSnapshot("t1h-na", "Freeze payments config", "ReleaseEngineer", Now.AddHours(-1), TickStates.NotApplicable, "rel", Now.AddMinutes(-30), "no payments change", false),
            new ChecklistItemSnapshot("t1h-late", "Page the DB owner", "DataLead", Now.AddMinutes(-10), null, null, null, null, true),
        };
        var snapshot = Snapshot(null) with { Checklists = [new ChecklistSnapshot("T-1h", false, items)] };

        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot));

        var closed = panel.Find("li[data-item='t1h-na']");
        Assert.True(closed.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Null(closed.QuerySelector("button"));
        Assert.Contains("— no payments change", closed.TextContent);
        var late = panel.Find("li[data-item='t1h-late']");
        Assert.Contains("overdue", late.ClassName);
        Assert.Contains("OVERDUE", late.TextContent);
        Assert.False(late.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Equal("1 of 2 done", panel.Find(".checklist-count").TextContent);
    }

    [Fact]
    public async Task A_refused_tick_is_reported_not_swallowed()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("dana", Roles.DataLead);
        var panel = Render<ChecklistPanel>(p => p.Add(x => x.Snapshot, snapshot with { Id = snapshot.Id + 1000 }));

        await Tick(panel, snapshot.Checklists[0].Items[0].Key);

        panel.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Error && s.Message == $"rollout {snapshot.Id + 1000} does not exist"));
    }
}
