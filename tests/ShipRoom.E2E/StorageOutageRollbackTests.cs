using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// PostgreSQL stops under a running ShipRoom while the IC has the dashboard open in Chromium: Roll back still reaches
/// the deploy system, the page says the database is away (Degraded banner), and the rollback is recorded when it returns.
/// </summary>
public sealed class StorageOutageRollbackTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2E-Person-Password-1";

    private readonly LocalEndpoint _deploySystem = new() { Status = 202 };
    private PostgresServer _postgres = null!;
    private ShipRoomAppFactory _app = null!;
    private IBrowserContext? _context;
    private long _rolloutId;

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        _postgres = await PostgresServer.StartPrivateAsync();
        var connectionString = await _postgres.CreateDatabaseAsync("shiproom");
        _app = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = connectionString,
            ["ShipRoom:Deploy:WebhookUrl"] = _deploySystem.Url("deploy"),
            ["ShipRoom:Deploy:WebhookSecret"] = "e2e-webhook-secret",
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

        await _app.DisposeAsync();
        await _postgres.DisposeAsync();
        await _deploySystem.DisposeAsync();
    }

    [Fact]
    public async Task With_PostgreSQL_stopped_the_ic_rolls_back_from_the_dashboard_and_it_is_recorded_when_the_database_returns()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsync(page, "ic", Password);
        await page.GotoAsync($"/rollouts/{_rolloutId}");
        await page.Locator("[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Running");

        await _postgres.StopAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await page.GetByLabel("Reason").FillAsync("payments failing and the database is down");
        var clicked = Stopwatch.GetTimestamp();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();

        // The deploy system is called, the IC is told what happened and why it is not recorded yet.
        await Assertions.Expect(page.GetByText("the database is unavailable", new() { Exact = false }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var answered = Stopwatch.GetElapsedTime(clicked);
        Assert.Single(_deploySystem.Received);
        await Assertions.Expect(page.Locator("[data-storage-degraded]")).ToContainTextAsync("Degraded");
        // The header still shows the last stored state; the banner says this rollout was rolled back and waits to be written.
        await Assertions.Expect(page.Locator("[data-deferred-rollbacks]")).ToContainTextAsync($"Rollout {_rolloutId} rolled back here by ic");
        await Assertions.Expect(page.Locator("[data-deferred-rollbacks]")).ToContainTextAsync("the deploy system acknowledged it");
        // The rollout's own surfaces say so too: the header's state per the deploy system's answer, not saved yet; the
        // badge; time to rollback measured to the acknowledgement; and no second Roll back offered.
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Rolled back — recorded offline, saved when storage returns");
        await Assertions.Expect(page.Locator(".header-verdict [data-recommendation]")).ToHaveAttributeAsync("data-recommendation", "ROLLED BACK");
        await Assertions.Expect(page.Locator("[data-time-to-rollback]")).ToContainTextAsync("acknowledged in");
        var shownTiming = await page.Locator("[data-time-to-rollback]").InnerTextAsync();
        await Assertions.Expect(page.Locator(".action-bar").GetByRole(AriaRole.Button, new() { Name = "Roll back" })).ToBeDisabledAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "rollback-with-database-down.png") });
        Record($"Rollback from the dashboard (Chromium) with PostgreSQL stopped: the IC saw the answer {answered.TotalMilliseconds:0} ms after clicking (webhook acknowledged)");

        // The database returns: the rollback is written, the page shows it, the banner goes.
        await _postgres.StartAgainAsync();
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Rolled back", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-storage-degraded]")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.Single(_deploySystem.Received);

        // What storage now holds is what the IC was shown in the outage: the same state, the same measured time, one
        // executed rollback decision by the IC and one audit entry, and still no second Roll back.
        await Assertions.Expect(page.Locator("[data-time-to-rollback]")).ToHaveTextAsync(shownTiming);
        await Assertions.Expect(page.Locator(".action-bar").GetByRole(AriaRole.Button, new() { Name = "Roll back" })).ToBeDisabledAsync();
        var ct = Xunit.TestContext.Current.CancellationToken;
        var stored = await _app.Services.GetRequiredService<SnapshotBuilder>().BuildAsync(_rolloutId, ct);
        Assert.Equal(RolloutStatus.RolledBack, stored!.Status);
        Assert.Null(stored.Unsaved);
        Assert.NotNull(stored.Rollback.Took);
        var audit = await _app.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(RolloutId: _rolloutId, Kind: "rollout.rollback"), ct);
        var entry = Assert.Single(audit);
        Assert.Equal(("ic", "payments failing and the database is down"), (entry.Actor, entry.Reason));
        Assert.Single(stored.Timeline, t => t.Kind == RolloutCommand.RollBack.Key() && t.Actor == "ic" && t.Outcome == nameof(DecisionOutcome.Executed));
    }

    private static void Record(string line)
    {
        var folder = Environment.GetEnvironmentVariable("SHIPROOM_TEST_ARTIFACTS") ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        File.AppendAllText(Path.Combine(folder, "reliability-figures.txt"), $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
        Console.WriteLine($"[reliability] {line}");
    }
}
