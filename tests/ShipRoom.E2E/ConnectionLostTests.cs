using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// The wall screen when the server goes away: ShipRoom runs as its own process (<c>dotnet ShipRoom.Web.dll</c> on
/// SQLite in a data directory of its own), Chromium shows the demo rollout's wall screen, the process is killed with
/// SIGKILL and started again on the same port with the same data. The words "Connection to ShipRoom lost" must cover
/// the whole screen while it is away, and the page must come back by itself once it answers, with nobody touching it.
/// </summary>
public sealed class ConnectionLostTests(BrowserFixture browser) : IAsyncLifetime
{
    private const int Width = 1920;
    private const int Height = 1080;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("shiproom-connection-lost-").FullName;
    private readonly int _port = AppProcess.FreePort();
    private AppProcess? _app;
    private IBrowserContext? _context;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open by a process being torn down: the temp folder is cleaned by the system
        }
    }

    [Fact]
    public async Task When_the_server_is_killed_the_wall_screen_says_so_over_the_whole_screen_and_comes_back_by_itself_when_it_restarts()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{_port}", ViewportSize = new ViewportSize { Width = Width, Height = Height } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page, timeoutMs: 60_000);
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 60_000 });
        await page.GotoAsync(page.Url.TrimEnd('/') + "/tv");
        await page.Locator("[data-interactive=true] .tv [data-gate]").First.WaitForAsync(new() { Timeout = 60_000 });
        var overlay = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(overlay).ToBeHiddenAsync();

        await _app!.KillAsync();
        await _app.DisposeAsync();
        _app = null;

        // Said in words, over the whole screen: not a blank box with a spinner.
        await Assertions.Expect(overlay).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(overlay.Locator("#reconnect-title")).ToHaveTextAsync("Connection to ShipRoom lost");
        await Assertions.Expect(overlay).ToContainTextAsync("What you see may be out of date");
        var box = await overlay.BoundingBoxAsync();
        Assert.True(box is { X: <= 0.5f, Y: <= 0.5f } && box.Width >= Width - 1 && box.Height >= Height - 1,
            $"the notice covers {box?.X},{box?.Y} {box?.Width}×{box?.Height}, not the {Width}×{Height} screen");
        // Nothing of the stale wall screen shows through at the centre: the topmost element there is the notice.
        var topmost = await page.EvaluateAsync<bool>($"() => document.getElementById('components-reconnect-modal').contains(document.elementFromPoint({Width / 2}, {Height / 2}))");
        Assert.True(topmost, "the element at the centre of the screen is not the connection-lost notice");
        // Readable from across the room: the title is large on a 1080p wall screen.
        var titlePixels = await overlay.Locator("#reconnect-title").EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        Assert.True(titlePixels >= 48, $"the title is {titlePixels}px high on a {Width}×{Height} screen");
        await Screenshots.SaveAsync(page, "connection-lost.png", fullPage: false);

        // The server is back on the same port with the same data: the page reconnects (or reloads) by itself.
        _app = await StartAsync();
        await Assertions.Expect(overlay).ToBeHiddenAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("[data-interactive=true] .tv [data-gate]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".tv-name")).ToBeVisibleAsync();
        Assert.EndsWith("/tv", new Uri(page.Url).AbsolutePath);
    }

    /// <summary>Starts ShipRoom on the test's port and data directory and waits until it is ready.</summary>
    private async Task<AppProcess> StartAsync()
    {
        var app = AppProcess.Start(RepositoryRoot.WebAppDll, _dataDirectory, new Dictionary<string, string>
        {
            ["ShipRoom__Storage__Provider"] = "Sqlite",
            ["ConnectionStrings__ShipRoom"] = $"Data Source={Path.Combine(_dataDirectory, "shiproom.db")}",
            ["SHIPROOM_ADMIN_PASSWORD"] = ShipRoomAppFactory.AdminPassword,
            ["Urls"] = $"http://127.0.0.1:{_port}",
            ["ShipRoom__Demo__Enabled"] = "true",
            ["ShipRoom__Demo__PlanFile"] = Path.Combine(RepositoryRoot.Path, "plans", E2ESteps.ShippedPlan),
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await app.WaitForOkAsync(http, "/ready", TimeSpan.FromSeconds(120), Ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
