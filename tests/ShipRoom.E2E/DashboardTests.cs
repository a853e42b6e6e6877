using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>The executive's view: sign in, open the demo rollout, every panel there, values moving without a reload.</summary>
public sealed class DashboardTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly string[] Panels = ["Latency", "Errors", "Payments", "Cache", "Database", "Infrastructure", "Unit economics", "Funnels"];

    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>
    {
        ["ShipRoom:Demo:Enabled"] = "true",
        ["ShipRoom:Demo:TimeFactor"] = "30",
        ["ShipRoom:Polling:SchedulerTick"] = "00:00:01",
    }, useKestrel: true);

    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync() =>
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, TimezoneId = "Europe/Berlin" });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task<IPage> SignInAsync()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync(ShipRoomAppFactory.AdminUserName);
        await page.GetByLabel("Password").FillAsync(ShipRoomAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        return page;
    }

    [Fact]
    public async Task The_demo_rollout_shows_every_panel_and_updates_live_in_light_dark_and_wall_screen()
    {
        var page = await SignInAsync();

        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator(".dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        foreach (var panel in Panels)
        {
            await Assertions.Expect(page.Locator($"[data-panel='{panel}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Status, new() { Name = "Overall: GREEN" })).ToBeVisibleAsync();
        var canary = page.Locator("[data-metric='p95_latency_ms'] [data-canary-value]").First;
        var before = await canary.TextContentAsync();
        await Assertions.Expect(canary).Not.ToHaveTextAsync(before!, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-chart='p95_latency_ms'] .main-svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("time").First).ToContainTextAsync("local");
        await Screenshots.SaveAsync(page, "dashboard-light.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-theme=dark]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1500);
        await Screenshots.SaveAsync(page, "dashboard-dark.png");

        var id = await page.Locator(".dashboard").GetAttributeAsync("data-rollout-version");
        Assert.NotNull(id);
        await page.GotoAsync(page.Url + "/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).CountAsync());
        await Screenshots.SaveAsync(page, "wall-screen.png", fullPage: false);
    }
}
