using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>The steps many browser walks start with: people to sign in as, a rollout of a shipped plan, the sign-in itself.</summary>
public static class E2ESteps
{
    public const string ShippedPlan = "directive-004-ramp-1-10-25-50-100.yaml";

    /// <summary>Signs in through the login form and waits for the interactive circuit.</summary>
    public static async Task SignInAsync(IPage page, string user, string password, int timeoutMs = 30_000)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = timeoutMs });
    }

    /// <summary>
    /// Clicks one of the dashboard's rollout actions and waits for its dialog: up to three clicks, each given 10 s to
    /// open it. On a dashboard a live rollout keeps updating, the first click sometimes opened nothing within 30 s (seen
    /// in two walks on 2026-12-03, cause not yet found: a render between Playwright's checks and its click is suspected).
    /// </summary>
    public static async Task<ILocator> OpenActionDialogAsync(IPage page, string action)
    {
        var dialog = page.GetByRole(AriaRole.Dialog);
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByRole(AriaRole.Toolbar, new() { Name = "Rollout actions" }).GetByRole(AriaRole.Button, new() { Name = action, Exact = true }).ClickAsync();
            try
            {
                await dialog.GetByLabel("Reason").WaitForAsync(new() { Timeout = 10_000 });
                return dialog;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Signs in as the initial administrator the test app is seeded with.</summary>
    public static Task SignInAsAdminAsync(IPage page, int timeoutMs = 30_000) =>
        SignInAsync(page, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, timeoutMs);

    /// <summary>Creates one account per (name, role), each with <paramref name="password"/>.</summary>
    public static async Task CreatePeopleAsync(ShipRoomAppFactory app, string password, CancellationToken cancellationToken, params (string Name, string Role)[] people)
    {
        var users = app.Services.GetRequiredService<IUserRepository>();
        var hasher = app.Services.GetRequiredService<IPasswordHasher<UserRecord>>();
        foreach (var (name, role) in people)
        {
            var placeholder = new UserRecord(0, name, name, "", [role], 0, null, false, DateTimeOffset.UtcNow, null);
            await users.CreateAsync(name, name, hasher.HashPassword(placeholder, password), [role], DateTimeOffset.UtcNow, cancellationToken);
        }
    }

    /// <summary>Starts the shipped 1% → 100% plan on the simulator, polled once, and returns its id.</summary>
    public static async Task<long> StartShippedRolloutAsync(ShipRoomAppFactory app, CancellationToken cancellationToken)
    {
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", ShippedPlan), cancellationToken);
        var created = await app.Services.GetRequiredService<RolloutService>().CreateAsync(plan, ShippedPlan, new CommandActor("test", [], IsAutomatic: true),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(), 20, TimeSpan.FromMinutes(3)), cancellationToken);
        var id = created.RolloutId!.Value;
        await app.Services.GetRequiredService<RolloutPoller>().PollAsync(id, cancellationToken);
        return id;
    }
}
