using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// The wall screen when the server goes away: the words "Connection to ShipRoom lost" cover the whole screen, not a
/// blank box with a spinner, so nobody in the room reads stale numbers as live.
/// </summary>
public sealed class ConnectionLostTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>
    {
        ["ShipRoom:Demo:Enabled"] = "true",
    }, useKestrel: true);

    private IBrowserContext? _context;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task When_the_server_goes_away_the_wall_screen_says_so_over_the_whole_screen()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page);
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await page.GotoAsync(page.Url.TrimEnd('/') + "/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        var overlay = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(overlay).ToBeHiddenAsync();

        await _app.DisposeAsync();

        await Assertions.Expect(overlay).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(overlay).ToContainTextAsync("Connection to ShipRoom lost");
        var box = await overlay.BoundingBoxAsync();
        Assert.True(box is { X: <= 0.5f, Y: <= 0.5f } && box.Width >= 1919 && box.Height >= 1079, $"the notice covers {box?.X},{box?.Y} {box?.Width}×{box?.Height}, not the 1920×1080 screen");
        await Screenshots.SaveAsync(page, "wall-screen-connection-lost.png", fullPage: false);
    }
}
