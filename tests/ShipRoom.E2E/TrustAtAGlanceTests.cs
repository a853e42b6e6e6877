using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// A first start as a newcomer sees it: the first account runs the demo, every page passes axe with no serious or
/// critical violation and has one main landmark and one level-1 heading, the phone and the wall screen fit, nothing on
/// the console, and actions say they are recorded only (no deploy system is configured here).
/// </summary>
public sealed class TrustAtAGlanceTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>
    {
        ["ShipRoom:Demo:Enabled"] = "true",
        ["ShipRoom:Demo:TimeFactor"] = "30",
        ["ShipRoom:Polling:SchedulerTick"] = "00:00:01",
    }, useKestrel: true);

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _consoleErrors = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    private async Task<IPage> NewPageAsync(int width, int height)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    private async Task<IPage> SignedInAsync(int width = 1400, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await E2ESteps.SignInAsAdminAsync(page);
        return page;
    }

    private static async Task<string> DemoRolloutPathAsync(IPage page)
    {
        await page.GotoAsync("/rollouts");
        var link = page.Locator("[data-rollout] a").First;
        await link.WaitForAsync(new() { Timeout = 30_000 });
        return new Uri(new Uri("http://x/"), await link.GetAttributeAsync("href")).AbsolutePath;
    }

    private static async Task OpenDashboardAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive=true] .dashboard [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
    }

    /// <summary>
    /// Waits until no finite CSS transition or animation is running. MudBlazor's buttons and papers fade their colours
    /// for about 250 ms when the theme changes, and axe measures contrast from the computed colours of that moment,
    /// so a run that starts mid-fade sees colours neither theme has. Endless animations (a progress bar) are not waited for.
    /// </summary>
    private static Task TransitionsFinishedAsync(IPage page) =>
        page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
            null,
            new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 50 });

    /// <summary>axe-core's serious and critical findings, one line each; the landmark and heading counts beside them.</summary>
    private static async Task<List<string>> ProblemsAsync(IPage page, string name)
    {
        var problems = new List<string>();
        await TransitionsFinishedAsync(page);
        var axe = await page.RunAxe();
        foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            problems.Add($"{name}: {violation.Id} ({violation.Impact}) on {violation.Nodes.Length}: {string.Join(" | ", violation.Nodes.Take(3).Select(n => $"{n.Html} ({string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))})"))}");
        }

        var mains = await page.Locator("main").CountAsync();
        var headings = await page.Locator("h1").CountAsync();
        if (mains != 1 || headings != 1)
        {
            problems.Add($"{name}: {mains} <main> and {headings} <h1>, one of each expected");
        }

        return problems;
    }

    [Fact]
    public async Task Every_page_passes_axe_with_one_main_and_one_h1_and_logs_no_console_error()
    {
        var anonymous = await NewPageAsync(1400, 900);
        await anonymous.GotoAsync("/login");
        var problems = await ProblemsAsync(anonymous, "/login");
        await Assertions.Expect(anonymous.Locator("[data-first-account-hint]")).ToContainTextAsync("run the demo end to end");

        var page = await SignedInAsync();
        var rollout = await DemoRolloutPathAsync(page);
        problems.AddRange(await ProblemsAsync(page, "/rollouts"));

        await OpenDashboardAsync(page, rollout);
        problems.AddRange(await ProblemsAsync(page, rollout));
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("main[data-theme=dark]")).ToBeVisibleAsync();
        problems.AddRange(await ProblemsAsync(page, rollout + " (dark)"));

        // The theme is remembered, so every page is checked in both; each pass starts once the switch has shown.
        foreach (var theme in new[] { "dark", "light" })
        {
            foreach (var (path, ready) in new[]
                     {
                         (rollout + "/tv", ".tv [data-gate]"),
                         (rollout + "/scorecard", "[data-scorecard-recommendation]"),
                         ("/rollouts/new", "[data-interactive=true] h1"),
                         ("/audit", "[data-audit]"),
                         ("/admin", "[data-user]"),
                         ("/posts", "[data-interactive=true] h1"),
                     })
            {
                await page.GotoAsync(path);
                await page.Locator(ready).First.WaitForAsync(new() { Timeout = 30_000 });
                var shown = path.EndsWith("/tv") ? "dark" : theme; // the wall screen is always dark
                await Assertions.Expect(page.Locator($"main[data-theme={shown}]")).ToBeVisibleAsync();
                problems.AddRange(await ProblemsAsync(page, $"{path} ({theme})"));
            }

            if (theme == "dark")
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" }).ClickAsync();
                await Assertions.Expect(page.Locator("main[data-theme=light]")).ToBeVisibleAsync();
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Before the 404 on purpose: the browser itself logs "Failed to load resource" for it.
        Assert.True(_consoleErrors.Count == 0, string.Join("\n", _consoleErrors));
        var missing = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.Locator("[data-not-found]")).ToContainTextAsync("There is no page at this address");
        problems.AddRange(await ProblemsAsync(page, "/no-such-page"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_first_account_sees_the_actions_recorded_only_banner_and_a_rollback_that_is_not_timed()
    {
        var page = await SignedInAsync();
        await OpenDashboardAsync(page, await DemoRolloutPathAsync(page));

        await Assertions.Expect(page.Locator("[data-recorded-only]")).ToContainTextAsync("Actions are recorded only — no deploy system is configured");
        await Assertions.Expect(page.GetByRole(AriaRole.Toolbar, new() { Name = "Rollout actions" }).GetByRole(AriaRole.Button, new() { Name = "Hold" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-time-to-rollback]")).ToHaveTextAsync("not measured — no deploy system is configured");
        await Screenshots.SaveAsync(page, "dashboard-light.png");

        var dialog = await E2ESteps.OpenActionDialogAsync(page, "Roll back");
        await dialog.GetByLabel("Reason").FillAsync("trying the demo end to end");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Rolled back", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-time-to-rollback]")).ToHaveTextAsync("not measured — recorded only, nothing was sent");
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "recorded — carry out by runbook" })).ToBeVisibleAsync();
        Assert.DoesNotContain("✓", await page.Locator(".rollout-header").InnerTextAsync());
        await Screenshots.SaveAsync(page, "rollback-recorded.png", fullPage: false);
    }

    [Fact]
    public async Task A_phone_shows_status_recommendation_phase_and_actions_without_sideways_scrolling_and_dark_mode_survives_a_reload()
    {
        var page = await SignedInAsync(390, 844);
        var rollout = await DemoRolloutPathAsync(page);
        Assert.True(await FitsAsync(page), "the rollouts list scrolls sideways at 390 px");
        await OpenDashboardAsync(page, rollout);

        foreach (var part in new[] { "[data-rollout-status]", "[data-recommendation]", "[data-phase]", "[role=toolbar][aria-label='Rollout actions']" })
        {
            var box = await page.Locator(part).First.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390.5, $"{part} is outside the 390 px screen: {box?.X} + {box?.Width}");
        }

        Assert.True(await FitsAsync(page), "the dashboard scrolls sideways at 390 px");
        await Screenshots.SaveAsync(page, "dashboard-phone.png", fullPage: false);

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("main[data-theme=dark]")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("main[data-theme=dark]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1000);
        await Screenshots.SaveAsync(page, "dashboard-dark-phone.png", fullPage: false);

        await page.GotoAsync(rollout + "/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.True(await FitsAsync(page), "the wall screen scrolls sideways at 390 px");
    }

    [Fact]
    public async Task The_wall_screen_says_when_it_was_updated_and_the_time_to_rollback()
    {
        var page = await SignedInAsync(1920, 1080);
        var rollout = await DemoRolloutPathAsync(page);
        await OpenDashboardAsync(page, rollout);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("main[data-theme=dark]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1500);
        await Screenshots.SaveAsync(page, "dashboard-dark.png");

        await page.GotoAsync(rollout + "/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });

        await Assertions.Expect(page.Locator("[data-last-updated] time")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".tv [data-time-to-rollback]")).ToHaveTextAsync("not measured — no deploy system is configured");
        await Assertions.Expect(page.Locator(".tv [data-recorded-only]")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "wall-screen.png", fullPage: false);
    }

    [Fact]
    public async Task Adding_a_person_clears_the_form_roles_read_by_name_and_the_last_admin_is_kept()
    {
        var page = await SignedInAsync();
        await page.GotoAsync("/admin");
        await page.Locator("[data-interactive=true] [data-user]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("Incident Commander", await page.Locator("[data-user='admin']").AriaSnapshotAsync());
        Assert.DoesNotContain("IncidentCommander", await page.Locator("main").AriaSnapshotAsync());

        await page.GetByLabel("User name").FillAsync("dana");
        await page.GetByLabel("Password").FillAsync("Dana-Incident-Pass-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add person" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-user='dana']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("User name")).ToHaveValueAsync("");
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveValueAsync("");

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable admin" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Disable admin?");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "last active administrator" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-user='admin']")).Not.ToContainTextAsync("(disabled)");
        await Screenshots.SaveAsync(page, "admin.png");

        await page.GotoAsync("/audit");
        var href = await page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).GetAttributeAsync("href");
        var export = await page.APIRequest.GetAsync("/" + href!.TrimStart('/'));
        Assert.Equal(200, export.Status);
        Assert.Contains("user.created", await export.TextAsync());
    }

    /// <summary>True when nothing sticks out sideways; otherwise fails naming the widest offenders.</summary>
    private static async Task<bool> FitsAsync(IPage page)
    {
        var offenders = await page.EvaluateAsync<string>("""
            () => {
              if (document.documentElement.scrollWidth <= window.innerWidth + 1) return "";
              return [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(-8)
                .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} right=${Math.round(e.getBoundingClientRect().right)}`)
                .join("; ");
            }
            """);
        Assert.True(offenders.Length == 0, $"{page.Url} scrolls sideways at {page.ViewportSize?.Width} px: {offenders}");
        return true;
    }
}
