using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.PostSuccess;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// The win note in Chromium: a rollout of the shipped plan completes at 100%; the post-success sweep runs; the
/// dashboard lists each post-success step with what really happened (no deploy system here: recorded only) and the
/// win note's due time; a PM opens the draft (KPI deltas vs control in it), edits it and publishes it.
/// </summary>
public sealed class WinNoteWalkTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";

    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>(), useKestrel: true);
    private IBrowserContext? _context;
    private long _rolloutId;

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await E2ESteps.CreatePeopleAsync(_app, Password, ct, ("pm", Roles.ProductManager));
        _rolloutId = await E2ESteps.StartShippedRolloutAsync(_app, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_pm_sees_the_post_success_steps_and_edits_and_publishes_the_win_note_draft()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        // Completion at 100% as the state machine records it (the 2 h stable time is walked in PostSuccessTests).
        var rollouts = _app.Services.GetRequiredService<IRolloutRepository>();
        var record = (await rollouts.GetAsync(_rolloutId, ct))!;
        Assert.True(await rollouts.TryChangeStateAsync(_rolloutId, record.Version, new RolloutStateChange(RolloutStatus.Completed, 4, record.PhaseStartedAt, DateTimeOffset.UtcNow), ct));
        // The sweep the post-success job runs every 30 s, run now.
        await _app.Services.GetRequiredService<PostSuccessService>().RunDueAsync(ct);

        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsync(page, "pm", Password);
        await page.GotoAsync($"/rollouts/{_rolloutId}");
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });

        var panel = page.Locator("[data-post-success]");
        await Assertions.Expect(panel.Locator("[data-post-success-step=lift-payment-caps]")).ToContainTextAsync("RECORDED ONLY: no deploy system", new() { Timeout = 15_000 });
        await Assertions.Expect(panel.Locator("[data-post-success-step=remove-infra-lock]")).ToContainTextAsync("RECORDED ONLY");
        await Assertions.Expect(panel.Locator("[data-post-success-step=change-freeze]")).ToContainTextAsync("DONE");
        await Assertions.Expect(panel.Locator("[data-post-success-step=cohort-review]")).ToContainTextAsync("PENDING");
        await Assertions.Expect(panel.Locator("[data-cohort-review-due]")).ToContainTextAsync("7-day cohort review: due");
        var due = panel.Locator("[data-win-note-due]");
        await Assertions.Expect(due).ToContainTextAsync("Win note draft for a PM to edit and publish. Due");
        await Screenshots.SaveAsync(page, "post-success-panel.png");

        await due.GetByRole(AriaRole.Link, new() { Name = "Open the win note draft" }).ClickAsync();
        await page.Locator("[data-interactive=true].postmortem").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-postmortem-state]")).ToContainTextAsync("DRAFT · due");
        var editor = page.GetByLabel("Win note (Markdown)");
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("KPI deltas vs control"));

        const string Lesson = "Pre-warming the CDN kept the cache hit above 85% from the first minute.";
        await editor.FillAsync((await editor.InputValueAsync()).Replace("_To be written by the PM: what worked, what to keep, what to change for the next release._", Lesson, StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-postmortem-state]")).ToContainTextAsync("PUBLISHED by pm", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-postmortem-body]")).ToContainTextAsync(Lesson);
        var stored = await _app.Services.GetRequiredService<PostmortemService>().GetAsync(_rolloutId, ct, DraftKinds.WinNote);
        Assert.True(stored!.IsPublished);
        Assert.Contains(Lesson, stored.Markdown);

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("Win note published by pm.")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal(0, await page.Locator("[data-win-note-due]").CountAsync());
    }
}
