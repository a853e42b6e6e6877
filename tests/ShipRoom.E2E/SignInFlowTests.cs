using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

public sealed class SignInFlowTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _app = new(useKestrel: true);
    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync() =>
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_signs_in_through_the_form_and_reaches_the_live_ship_room()
    {
        var page = await _context.NewPageAsync();

        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "login.png"), FullPage = true });

        await page.GetByLabel("User name").FillAsync(ShipRoomAppFactory.AdminUserName);
        await page.GetByLabel("Password").FillAsync(ShipRoomAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rollouts" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(ShipRoomAppFactory.AdminUserName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "home.png"), FullPage = true });
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_stays_signed_out()
    {
        var page = await _context.NewPageAsync();

        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync(ShipRoomAppFactory.AdminUserName);
        await page.GetByLabel("Password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        Assert.Contains("/login", page.Url);
    }
}
