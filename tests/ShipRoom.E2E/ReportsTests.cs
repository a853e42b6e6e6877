using Microsoft.Playwright;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>The Go/No-Go packet in the browser: #ship-room posts delivered to a Slack stand-in, a chart saved as PNG, the scorecard and its exports.</summary>
public sealed class ReportsTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly LocalEndpoint _slack = new();
    private ShipRoomAppFactory _app = null!;
    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync()
    {
        _app = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Demo:Enabled"] = "true",
            ["ShipRoom:Demo:TimeFactor"] = "30",
            ["ShipRoom:Polling:SchedulerTick"] = "00:00:01",
            ["ShipRoom:Notifications:Slack:WebhookUrl"] = _slack.Url("services/T000/B000/secret-path"),
            ["ShipRoom:Notifications:DispatchEverySeconds"] = "1",
        }, useKestrel: true);
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, AcceptDownloads = true,
        });
        // The whole suite shares two cores with four other test projects: waits allow for it.
        _context.SetDefaultTimeout(60_000);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task Posts_show_as_sent_a_chart_saves_as_png_and_the_scorecard_exports()
    {
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page, 60_000);
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-chart='p95_latency_ms'] .main-svg").First.WaitForAsync(new() { Timeout = 60_000 });

        // The demo's T-0 post reaches the Slack stand-in and the dashboard says it was sent, without a reload.
        await Assertions.Expect(page.Locator("[data-post-status=sent]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "#ship-room posts, newest first" })).ToContainTextAsync("T-0: ");
        Assert.Contains(_slack.Received, r => r.Path == "/services/T000/B000/secret-path" && r.Body.Contains("\"blocks\""));
        Assert.DoesNotContain("secret-path", await page.ContentAsync());
        await page.Locator(".posts-panel").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "posts-panel.png") });

        var png = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save the P95 latency chart as PNG" }).ClickAsync(), new() { Timeout = 60_000 });
        Assert.Equal("shiproom-p95_latency_ms.png", png.SuggestedFilename);
        var pngBytes = await File.ReadAllBytesAsync(await png.PathAsync(), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, pngBytes[..4]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Go/No-Go scorecard" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-scorecard-recommendation]")).ToContainTextAsync("Recommendation: ", new() { Timeout = 60_000 });
        Assert.True(await page.Locator("table[aria-label=Gates] tbody tr").CountAsync() >= 10);
        await Screenshots.SaveAsync(page, "scorecard.png");

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV" }).ClickAsync());
        var csvText = await File.ReadAllTextAsync(await csv.PathAsync(), Xunit.TestContext.Current.CancellationToken);
        Assert.StartsWith("section,phase,key,name,result", csvText);
        var archive = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Audit archive (zip)" }).ClickAsync());
        Assert.EndsWith(".zip", archive.SuggestedFilename);

        // Release engineering rewords a post: a wrong placeholder is shown with its line, a right one is saved.
        await page.GetByRole(AriaRole.Link, new() { Name = "Posts" }).ClickAsync();
        var hold = page.Locator("[data-template=hold]");
        var text = hold.GetByRole(AriaRole.Textbox, new() { Name = "Template for hold posts" });
        await text.FillAsync("Paused {release}\nby {who}");
        await hold.GetByRole(AriaRole.Button, new() { Name = "Save the hold template" }).ClickAsync();
        await Assertions.Expect(hold.GetByRole(AriaRole.List, new() { Name = "Problems in the hold template" })).ToContainTextAsync("line 2: {who} is not a placeholder");
        await text.FillAsync("Paused {release} at {phase}\nby {actor}: {reason}");
        await hold.GetByRole(AriaRole.Button, new() { Name = "Save the hold template" }).ClickAsync();
        await Assertions.Expect(hold.Locator(".template-origin")).ToHaveTextAsync("edited by admin");
    }
}
