using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>A release engineer pastes a plan: problems show inline with their line, a clean plan becomes a rollout.</summary>
public sealed class NewRolloutTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _app = new(useKestrel: true);
    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync() =>
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Signs in as the admin and opens New rollout from the rollouts page, waiting for the circuit.</summary>
    private async Task<IPage> SignedInNewRolloutPageAsync()
    {
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "New rollout" }).ClickAsync();
        await page.Locator("[data-interactive=true] textarea").WaitForAsync(new() { Timeout = 30_000 });
        return page;
    }

    [Fact]
    public async Task A_pasted_plan_is_linted_inline_and_a_clean_one_becomes_a_running_rollout()
    {
        var page = await SignedInNewRolloutPageAsync();

        var editor = page.GetByRole(AriaRole.Textbox, new() { Name = "Plan (YAML)" });
        await editor.FillAsync("release:\n  version: v2026-11-25\n");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Problems in the plan" })).ToContainTextAsync("line 2, column 12 — release.version");
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Create rollout" }).IsDisabledAsync());

        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-002-phased-canary-5-25-50-100.yaml"), Xunit.TestContext.Current.CancellationToken);
        await editor.FillAsync(plan);
        await Assertions.Expect(page.GetByText("v20261125.1: 5% → 25% → 50% → 100%, 34 metrics, 13 gates, 11 triggers")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create rollout" }).ClickAsync();

        await page.WaitForURLAsync("**/rollouts/*", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Scheduled");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Scholarship search v2" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pasting_thirty_thousand_brackets_shows_the_problem_and_the_server_lives_on()
    {
        var page = await SignedInNewRolloutPageAsync();

        // The page lints as you type: before the bound this one paste overflowed the server's stack.
        var editor = page.GetByRole(AriaRole.Textbox, new() { Name = "Plan (YAML)" });
        await editor.FillAsync(new string('[', 30_000));

        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Problems in the plan" }))
            .ToContainTextAsync("line 1, column 32 — plan: nesting is deeper than 32 levels (a plan needs about five); nothing was read");
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Create rollout" }).IsDisabledAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "new-rollout-deep-plan.png"), FullPage = true });

        // The same circuit and the same server go on working: a clean plan lints clean.
        using var http = new HttpClient { BaseAddress = _app.ServerAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health", Xunit.TestContext.Current.CancellationToken)).StatusCode);
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-002-phased-canary-5-25-50-100.yaml"), Xunit.TestContext.Current.CancellationToken);
        await editor.FillAsync(plan);
        await Assertions.Expect(page.GetByText("v20261125.1: 5% → 25% → 50% → 100%, 34 metrics, 13 gates, 11 triggers")).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }
}
