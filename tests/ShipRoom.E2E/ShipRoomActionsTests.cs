using ShipRoom.Infrastructure.MetricSources.Selection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.E2E;

/// <summary>The IC's one click, seen live by everybody else; a Viewer sees no buttons and a forged call is refused.</summary>
public sealed class ShipRoomActionsTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";

    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?> { ["ShipRoom:Polling:SchedulerTick"] = "00:00:01" }, useKestrel: true);
    private readonly List<IBrowserContext> _contexts = [];
    private long _rolloutId;

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await E2ESteps.CreatePeopleAsync(_app, Password, ct, ("ic", Roles.IncidentCommander), ("ceo", Roles.ExecutiveApprover), ("viewer", Roles.Viewer), ("pm", Roles.ProductManager));
        _rolloutId = await E2ESteps.StartShippedRolloutAsync(_app, ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    private async Task<IPage> OpenAsSync(string user)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await E2ESteps.SignInAsync(page, user, Password);
        await page.GotoAsync($"/rollouts/{_rolloutId}");
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        return page;
    }

    [Fact]
    public async Task The_ic_rolls_back_with_one_click_and_a_reason_and_the_executive_sees_it_live()
    {
        var ic = await OpenAsSync("ic");
        var ceo = await OpenAsSync("ceo");
        await Assertions.Expect(ceo.Locator("[data-rollout-status]")).ToHaveTextAsync("Running");

        await E2ESteps.OpenActionDialogAsync(ic, "Roll back");
        await ic.GetByLabel("Reason").FillAsync("checkout P95 regression seen in the war room");
        await ic.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();

        // No deploy system is configured here: the rollback is recorded, not done, and nothing is timed or ticked.
        await Assertions.Expect(ceo.Locator("[data-rollout-status]")).ToHaveTextAsync("Rolled back", new() { Timeout = 15_000 });
        await Assertions.Expect(ceo.Locator("[data-recorded-only]")).ToContainTextAsync("Actions are recorded only — no deploy system is configured");
        await Assertions.Expect(ceo.Locator("[data-time-to-rollback]")).ToContainTextAsync("not measured");
        await Assertions.Expect(ceo.GetByRole(AriaRole.Status, new() { Name = "Rollout: ROLLBACK RECORDED" })).ToContainTextAsync("carry out by runbook");
        Assert.DoesNotContain("✓", await ceo.Locator(".rollout-header").InnerTextAsync());
        await Assertions.Expect(ceo.Locator(".timeline")).ToContainTextAsync("checkout P95 regression seen in the war room");
        await ceo.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "rolled-back.png") });
    }

    [Fact]
    public async Task A_checklist_tick_by_keyboard_in_one_browser_appears_in_the_other_and_keeps_its_focus()
    {
        var ic = await OpenAsSync("ic");
        var ceo = await OpenAsSync("ceo");
        var item = "[data-item='t10-pitr']";
        var box = ic.Locator($"{item} input[type=checkbox]");

        await box.FocusAsync();
        await ic.Keyboard.PressAsync("Space");

        await Assertions.Expect(ceo.Locator($"{item} input[type=checkbox]")).ToBeCheckedAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(ceo.Locator(item)).ToContainTextAsync("done by ic");
        // The ticker's own row rendered again (its text is markup) and the box they ticked still has the focus.
        await Assertions.Expect(ic.Locator(item)).ToContainTextAsync("done by ic", new() { Timeout = 15_000 });
        await Assertions.Expect(box).ToBeFocusedAsync();

        // The row's N/A button is markup: when someone else changes the row it is written anew, and the focus comes back
        // to the new button (wwwroot/ShipRoom.Web.lib.module.js) instead of falling to the page.
        var notApplicable = ic.Locator($"{item} button[data-row-action]");
        await notApplicable.FocusAsync();
        var pm = await OpenAsSync("pm");
        await pm.Locator($"{item} input[type=checkbox]").UncheckAsync();
        await Assertions.Expect(ic.Locator(item)).ToContainTextAsync("by pm", new() { Timeout = 15_000 });
        await Assertions.Expect(notApplicable).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_pm_s_summary_appears_for_everyone_and_script_in_it_stays_inert()
    {
        var pm = await OpenAsSync("pm");
        var ceo = await OpenAsSync("ceo");

        await pm.GetByLabel("Summary (Markdown)").FillAsync("SLOs **green** at 1%. <img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>");
        // Nothing is chosen for the PM: Post stays disabled until a recommendation is picked.
        await Assertions.Expect(pm.GetByRole(AriaRole.Button, new() { Name = "Post summary" })).ToBeDisabledAsync();
        await pm.GetByRole(AriaRole.Radio, new() { Name = "GO", Exact = true }).CheckAsync();
        await pm.GetByRole(AriaRole.Button, new() { Name = "Post summary" }).ClickAsync();

        var summary = ceo.Locator("[data-summary]").First;
        await Assertions.Expect(summary).ToContainTextAsync("SLOs green at 1%.", new() { Timeout = 15_000 });
        await Assertions.Expect(summary.Locator("[data-summary-recommendation]")).ToHaveTextAsync("GO");
        await Assertions.Expect(summary.Locator("[data-summary-kpis]")).ToContainTextAsync("KPIs when posted");
        Assert.Equal(0, await summary.Locator("script, img, [onerror]").CountAsync());
        Assert.Null(await ceo.EvaluateAsync<int?>("() => window.__xss ?? null"));
    }

    [Fact]
    public async Task A_viewer_sees_no_action_buttons_and_a_forged_call_from_the_browser_is_refused()
    {
        var viewer = await OpenAsSync("viewer");

        Assert.Equal(0, await viewer.GetByRole(AriaRole.Toolbar, new() { Name = "Rollout actions" }).CountAsync());
        Assert.Equal(0, await viewer.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).CountAsync());
        Assert.True(await viewer.Locator("[data-item='t10-pitr'] input[type=checkbox]").IsDisabledAsync());
        var forged = await viewer.APIRequest.PostAsync($"/api/rollouts/{_rolloutId}/commands/rollback", new() { DataObject = new { reason = "forged" } });

        Assert.Equal(403, forged.Status);
        await Assertions.Expect(viewer.Locator("[data-rollout-status]")).ToHaveTextAsync("Running");
    }
}
