using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// The postmortem loop in Chromium: the IC rolls back from the dashboard, the draft appears with its due time on the
/// dashboard, the IC edits it and publishes it; the published text is what the IC wrote and the due notice is gone.
/// </summary>
public sealed class PostmortemWalkTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";

    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>(), useKestrel: true);
    private IBrowserContext? _context;
    private long _rolloutId;

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await E2ESteps.CreatePeopleAsync(_app, Password, ct, ("ic", Roles.IncidentCommander));
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
    public async Task The_ic_rolls_back_and_edits_and_publishes_the_postmortem_draft_and_the_due_notice_goes_away()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsync(page, "ic", Password);
        await page.GotoAsync($"/rollouts/{_rolloutId}");
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });

        var dialog = await E2ESteps.OpenActionDialogAsync(page, "Roll back");
        await dialog.GetByLabel("Reason").FillAsync("checkout errors climbing at 1%");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Rolled back", new() { Timeout = 15_000 });

        // The sweep the postmortem job runs every 30 s, run now: the open dashboard shows the draft's due time live.
        await _app.Services.GetRequiredService<PostmortemService>().DraftDueAsync(Xunit.TestContext.Current.CancellationToken);
        var due = page.Locator("[data-postmortem-due]");
        await Assertions.Expect(due).ToContainTextAsync("Postmortem draft: rolled back at", new() { Timeout = 15_000 });
        await Assertions.Expect(due).ToContainTextAsync("by a person's decision");
        var draft = await _app.Services.GetRequiredService<PostmortemService>().GetAsync(_rolloutId, Xunit.TestContext.Current.CancellationToken);
        var dueText = draft!.DueAt.UtcDateTime.ToString("d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC"; // a day ahead: the date is shown
        await Assertions.Expect(due).ToContainTextAsync($"Due {dueText}");

        await due.GetByRole(AriaRole.Link, new() { Name = "Open the postmortem draft" }).ClickAsync();
        await page.Locator("[data-interactive=true].postmortem").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-postmortem-state]")).ToContainTextAsync($"DRAFT · due {dueText}");
        var editor = page.GetByLabel("Postmortem (Markdown)");
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("checkout errors climbing at 1%"));
        await Screenshots.SaveAsync(page, "postmortem-draft.png");

        const string Lesson = "## Lessons\n\nThe IC rolled back on checkout errors before any trigger fired; add a checkout error-rate trigger at 1%.";
        await editor.FillAsync((await editor.InputValueAsync()) + "\n\n" + Lesson);
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-postmortem-state]")).ToContainTextAsync("PUBLISHED by ic", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-postmortem-body]")).ToContainTextAsync("add a checkout error-rate trigger at 1%.");
        await Assertions.Expect(page.Locator("[data-postmortem-body] h2", new() { HasText = "Lessons" })).ToBeVisibleAsync();
        var stored = await _app.Services.GetRequiredService<PostmortemService>().GetAsync(_rolloutId, Xunit.TestContext.Current.CancellationToken);
        Assert.True(stored!.IsPublished);
        Assert.EndsWith(Lesson, stored.Markdown.TrimEnd());

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("Postmortem published by ic.")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal(0, await page.Locator("[data-postmortem-due]").CountAsync());
    }
}
