using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// The IC's phone (390×844) on the worst day: the database is down (Degraded banner, with the rollback made in the
/// outage listed), the live rollout holds an infra lock (freeze banner) and no deploy system is configured
/// (recorded-only banner). Status, recommendation, phase and the action bar must still be on the first screen, with no
/// sideways scrolling. Real PostgreSQL, stopped under the running app.
/// </summary>
public sealed class PhoneBannersTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";
    private const int Width = 390;
    private const int Height = 844;

    private PostgresServer _postgres = null!;
    private ShipRoomAppFactory _app = null!;
    private IBrowserContext? _context;
    private long _rolloutId;
    private bool _postgresStopped;

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        _postgres = await PostgresServer.StartPrivateAsync();
        var connectionString = await _postgres.CreateDatabaseAsync("shiproom");
        _app = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = connectionString,
        }, useKestrel: true);
        await E2ESteps.CreatePeopleAsync(_app, Password, ct, ("ic", Roles.IncidentCommander));
        _rolloutId = await E2ESteps.StartShippedRolloutAsync(_app, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        if (_postgresStopped)
        {
            // The app's shutdown waits on the database: give it back first, whatever the test's outcome.
            await _postgres.StartAgainAsync();
        }

        await _app.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task With_every_banner_up_a_phone_shows_status_recommendation_phase_and_the_action_bar_on_the_first_screen()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = Width, Height = Height } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsync(page, "ic", Password);
        await page.GotoAsync($"/rollouts/{_rolloutId}");
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-recorded-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-freeze-banner]").First).ToBeVisibleAsync();

        _postgresStopped = true;
        await _postgres.StopAsync();
        await Assertions.Expect(page.Locator("[data-storage-degraded]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AssertFirstScreenAsync(page, "with the Degraded, infra lock and recorded-only banners");

        // The rollback made in the outage adds itself to the Degraded banner: still one screen.
        await E2ESteps.OpenActionDialogAsync(page, "Roll back");
        await page.GetByLabel("Reason").FillAsync("payments failing and the database is down");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-deferred-rollbacks]")).ToContainTextAsync($"Rollout {_rolloutId}", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToContainTextAsync("saved when storage returns");
        // Let the answer's snackbar go (it floats over the page, it does not push it down).
        await page.Locator(".mud-snackbar").First.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "dashboard-phone-degraded.png", fullPage: false);
        await AssertFirstScreenAsync(page, "after a rollback in the outage");
    }

    private static async Task AssertFirstScreenAsync(IPage page, string when)
    {
        // The banners are all there, and the rollout's own facts and actions still fit in the first 844 px.
        foreach (var banner in new[] { "[data-storage-degraded]", "[data-freeze-banner]", "[data-recorded-only]" })
        {
            await Assertions.Expect(page.Locator(banner).First).ToBeVisibleAsync();
        }

        foreach (var part in new[] { "[data-rollout-status]", ".header-verdict [data-recommendation]", "[data-phase]", "[role=toolbar][aria-label='Rollout actions']" })
        {
            var box = await page.Locator(part).First.BoundingBoxAsync();
            Assert.True(box is not null, $"{part} is not shown {when}");
            Assert.True(box.X >= 0 && box.X + box.Width <= Width + 0.5, $"{part} is outside the {Width} px screen {when}: {box.X} + {box.Width}");
            Assert.True(box.Y >= 0 && box.Y < Height, $"{part} starts at {box.Y} px, below the first {Height} px screen {when}");
        }

        var toolbar = await page.Locator("[role=toolbar][aria-label='Rollout actions']").BoundingBoxAsync();
        Assert.True(toolbar!.Y + toolbar.Height <= Height, $"the action bar ends at {toolbar.Y + toolbar.Height} px, below the first {Height} px screen {when}");
        var scroll = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(scroll[0] <= scroll[1] + 1, $"the dashboard scrolls sideways {when}: {scroll[0]} px wide on a {scroll[1]} px screen");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.scrollY"));
    }
}
