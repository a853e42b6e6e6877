using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// In Chromium: the admin (who also holds the release engineer and executive roles) declares a freeze from the
/// Rollouts page; a Viewer sees its banner on their own page with no Declare and no Lift; the admin lifts it with a
/// reason and the banner goes. The freeze is read back from storage, not from the page.
/// </summary>
public sealed class DeclaredFreezeWalkTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";
    private readonly ShipRoomAppFactory _app = new(useKestrel: true);
    private IBrowserContext _admin = null!;
    private IBrowserContext _viewer = null!;

    public async ValueTask InitializeAsync()
    {
        await E2ESteps.CreatePeopleAsync(_app, Password, Xunit.TestContext.Current.CancellationToken, ("viewer", Roles.Viewer));
        _admin = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        _viewer = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    }

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _viewer.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_admin_declares_a_freeze_a_viewer_sees_it_without_controls_and_the_lift_ends_it()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var page = await _admin.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page);
        await page.GotoAsync("/rollouts");
        await page.Locator("[data-interactive=true] [data-declare-freeze]").ClickAsync(new() { Timeout = 30_000 });
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("Black Friday weekend: no deploys");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Declare freeze" }).ClickAsync();

        var banner = page.Locator("[data-freeze-banner=declared]");
        await Assertions.Expect(banner).ToContainTextAsync("Black Friday weekend: no deploys", new() { Timeout = 20_000 });
        await Assertions.Expect(banner).ToContainTextAsync("Deploy freeze");
        await Assertions.Expect(banner.Locator("[data-freeze-countdown]")).ToContainTextAsync("ends in");
        var stored = Assert.Single((await _app.Services.GetRequiredService<IFreezeRepository>().ListSinceAsync(DateTimeOffset.UtcNow.AddDays(-1), ct)), w => w.Kind == FreezeKinds.Declared);
        Assert.Equal((ShipRoomAppFactory.AdminUserName, "Black Friday weekend: no deploys"), (stored.Owner, stored.Reason));
        Assert.InRange((stored.EndsAt!.Value - stored.StartsAt).TotalHours, 23.99, 24.01); // the dialog's default
        await Screenshots.SaveAsync(page, "freeze-declared.png", fullPage: false);

        var viewerPage = await _viewer.NewPageAsync();
        await E2ESteps.SignInAsync(viewerPage, "viewer", Password);
        await viewerPage.GotoAsync("/rollouts");
        await viewerPage.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(viewerPage.Locator("[data-freeze-banner=declared]")).ToContainTextAsync("Black Friday weekend");
        Assert.Equal(0, await viewerPage.Locator("[data-declare-freeze]").CountAsync());
        Assert.Equal(0, await viewerPage.Locator("[data-lift-freeze]").CountAsync());

        await banner.GetByRole(AriaRole.Button, new() { Name = "Lift" }).ClickAsync();
        await dialog.GetByLabel("Reason").FillAsync("sale moved to January");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Lift" }).ClickAsync();
        await Assertions.Expect(banner).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var lifted = (await _app.Services.GetRequiredService<IFreezeRepository>().GetAsync(stored.Id, ct))!;
        Assert.Equal((ShipRoomAppFactory.AdminUserName, "sale moved to January"), (lifted.LiftedBy, lifted.LiftReason));
    }
}
