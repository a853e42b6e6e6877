using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>
/// One app on a fresh start for every role's walk: the first account, one person per role and a rollout of the shipped
/// plan, made once; each walk opens its own browser. Tests in a class run one after another, so the IC's hold and resume
/// leave the rollout running for whoever walks next.
/// </summary>
public sealed class RoleWalkApp : IAsyncLifetime
{
    public const string Password = "E2E-Role-Walk-Password-1";

    public ShipRoomAppFactory App { get; } = new(new Dictionary<string, string?> { ["ShipRoom:Polling:SchedulerTick"] = "00:00:01" }, useKestrel: true);

    /// <summary>The rollout every walk watches (one: a second live rollout would add an infra-lock banner to every page); the IC holds and resumes it.</summary>
    public long RolloutId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = CancellationToken.None;
        await E2ESteps.CreatePeopleAsync(App, Password, ct,
            ("releng", Roles.ReleaseEngineer), ("ic", Roles.IncidentCommander), ("pm", Roles.ProductManager), ("ceo", Roles.ExecutiveApprover), ("viewer", Roles.Viewer));
        RolloutId = await E2ESteps.StartShippedRolloutAsync(App, ct);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    /// <summary>An HTTP client on the real listener carrying an API token of exactly <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientWithTokenAsync(string role)
    {
        var issued = await App.Services.GetRequiredService<ApiTokenService>().IssueAsync($"walk {Roles.DisplayName(role)}", [role], TimeSpan.FromHours(1), "test", CancellationToken.None);
        var client = new HttpClient { BaseAddress = App.ServerAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        return client;
    }
}

/// <summary>
/// A walk per role (admin, release engineer, IC, PM, executive, viewer): what each sees and may use, what is absent, and
/// for one forbidden action that the server refuses it too (a hidden button is not a permission). Screenshots land in
/// docs/screenshots/ with SHIPROOM_UPDATE_SCREENSHOTS=1.
/// </summary>
public sealed class RoleWalkTests(BrowserFixture browser, RoleWalkApp shared) : IClassFixture<RoleWalkApp>, IAsyncLifetime
{
    private static readonly string[] ActionButtons = ["Hold", "Roll back", "Resume", "Advance", "Approve", "Poll now"];

    private readonly List<IBrowserContext> _contexts = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    private async Task<IPage> SignedInAsync(string user, string password, int width = 1400, int height = 900)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = shared.App.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await E2ESteps.SignInAsync(page, user, password);
        return page;
    }

    private static async Task OpenDashboardAsync(IPage page, long id)
    {
        await page.GotoAsync($"/rollouts/{id}");
        await page.Locator("[data-interactive=true] .dashboard [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
    }

    private static ILocator AppBarLink(IPage page, string name) => page.Locator(".mud-appbar").GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static ILocator Toolbar(IPage page) => page.GetByRole(AriaRole.Toolbar, new() { Name = "Rollout actions" });

    /// <summary>The action buttons shown are exactly <paramref name="expected"/>; a role with none has no toolbar at all.</summary>
    private static async Task AssertActionsAsync(IPage page, params string[] expected)
    {
        if (expected.Length == 0)
        {
            Assert.Equal(0, await Toolbar(page).CountAsync());
            return;
        }

        await Assertions.Expect(Toolbar(page)).ToBeVisibleAsync();
        var shown = new List<string>();
        foreach (var name in ActionButtons)
        {
            if (await Toolbar(page).GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).CountAsync() > 0)
            {
                shown.Add(name);
            }
        }

        Assert.Equal(expected, shown);
    }

    /// <summary>Which of the app bar's role-bound links show: Posts (release engineering, admins) and Admin (admins).</summary>
    private static async Task AssertNavigationAsync(IPage page, bool posts, bool admin)
    {
        await Assertions.Expect(AppBarLink(page, "Rollouts")).ToBeVisibleAsync();
        await Assertions.Expect(AppBarLink(page, "Audit")).ToBeVisibleAsync();
        Assert.Equal(posts ? 1 : 0, await AppBarLink(page, "Posts").CountAsync());
        Assert.Equal(admin ? 1 : 0, await AppBarLink(page, "Admin").CountAsync());
    }

    private static async Task AssertNewRolloutLinkAsync(IPage page, bool shown)
    {
        await page.GotoAsync("/rollouts");
        await page.Locator("[data-interactive=true] [data-rollout]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(shown ? 1 : 0, await page.GetByRole(AriaRole.Link, new() { Name = "New rollout" }).CountAsync());
    }

    /// <summary>The dashboard's panels that depend on the role: post a summary, edit the roster, tick a checklist item.</summary>
    private static async Task AssertPanelsAsync(IPage page, bool summary, bool roster, bool tick)
    {
        Assert.Equal(summary ? 1 : 0, await page.GetByRole(AriaRole.Button, new() { Name = "Post summary" }).CountAsync());
        Assert.Equal(roster, await page.Locator("[data-roster]").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = false }).CountAsync() > 0);
        Assert.Equal(!tick, await page.Locator("[data-item='t10-pitr'] input[type=checkbox]").IsDisabledAsync());
        if (roster)
        {
            await OpensDialogAsync(page, page.Locator("[data-roster]").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = false }).First, "Primary");
        }

        if (tick)
        {
            await OpensDialogAsync(page, page.Locator("[data-item='t10-pitr']").GetByRole(AriaRole.Button, new() { Name = "N/A", Exact = false }), "will count as closed");
        }
    }

    /// <summary>
    /// A row's button opens its dialog: the rows are markup whose clicks reach the panel through the custom event that
    /// wwwroot/ShipRoom.Web.lib.module.js registers. The dialog is cancelled, so nothing is recorded.
    /// </summary>
    private static async Task OpensDialogAsync(IPage page, ILocator button, string dialogText)
    {
        await button.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync(dialogText, new() { Timeout = 15_000 });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 15_000 });
    }

    private static async Task AssertPageRefusedAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByText("Your role does not allow th")).ToBeVisibleAsync();
    }

    private static Task<HttpResponseMessage> CommandAsync(HttpClient client, long id, string kind) =>
        client.PostAsJsonAsync($"/api/rollouts/{id}/commands/{kind}", new { reason = "role walk" }, Xunit.TestContext.Current.CancellationToken);

    [Fact]
    public async Task Admin_the_first_account_runs_everything_manages_people_without_cut_off_roles_and_an_admin_only_token_cannot_hold()
    {
        var page = await SignedInAsync(ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword);
        await AssertNavigationAsync(page, posts: true, admin: true);
        await AssertNewRolloutLinkAsync(page, shown: true);
        await OpenDashboardAsync(page, shared.RolloutId);
        await AssertActionsAsync(page, ActionButtons);
        await AssertPanelsAsync(page, summary: true, roster: true, tick: true);

        await page.GotoAsync("/admin");
        await page.Locator("[data-interactive=true] [data-user='viewer']").WaitForAsync(new() { Timeout = 30_000 });
        foreach (var user in new[] { "admin", "releng", "ic", "pm", "ceo", "viewer" })
        {
            await Assertions.Expect(page.Locator($"[data-user='{user}']")).ToBeVisibleAsync();
        }

        // The first account's five roles read in full: nothing in the roles column is cut off.
        var roles = await page.Locator("[data-user='admin'] .role-select").EvaluateAsync<string>("e => (e.querySelector('input:not([type=hidden])')?.value ?? '') + '|' + e.innerText + '|' + e.outerHTML");
        Assert.True(roles.Contains("Admin, Executive approver, Incident Commander, Product manager, Release engineer"), roles);
        var clipped = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll("[data-user] .role-select *")]
              .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== "visible")
              .map(e => `${e.closest("[data-user]").dataset.user}: ${e.tagName.toLowerCase()}.${[...e.classList].join(".")} ${e.scrollWidth} > ${e.clientWidth}`)
              .join("; ")
            """);
        Assert.True(clipped.Length == 0, $"roles cut off on /admin: {clipped}");
        await Screenshots.SaveAsync(page, "role-admin.png");

        // Separation of duties: an account or token that is Admin alone manages people, but does not hold a rollout.
        var issued = await page.APIRequest.PostAsync("/api/tokens", new() { DataObject = new { name = "admin only", roles = new[] { Roles.Admin }, expiresInDays = 1 } });
        Assert.Equal(201, issued.Status);
        var token = (await issued.JsonAsync())!.Value.GetProperty("token").GetString();
        using var adminOnly = new HttpClient { BaseAddress = shared.App.ServerAddress };
        adminOnly.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var hold = await CommandAsync(adminOnly, shared.RolloutId, "hold");
        Assert.Equal(403, (int)hold.StatusCode);
    }

    [Fact]
    public async Task Release_engineer_creates_rollouts_edits_roster_and_posts_runs_the_actions_but_cannot_approve_or_administer()
    {
        var page = await SignedInAsync("releng", RoleWalkApp.Password);
        await AssertNavigationAsync(page, posts: true, admin: false);
        await AssertNewRolloutLinkAsync(page, shown: true);
        await OpenDashboardAsync(page, shared.RolloutId);
        await AssertActionsAsync(page, "Hold", "Roll back", "Resume", "Advance", "Poll now");
        await AssertPanelsAsync(page, summary: false, roster: true, tick: true);
        await Screenshots.SaveAsync(page, "role-release-engineer.png", fullPage: false);

        await page.GotoAsync("/rollouts/new");
        await Assertions.Expect(page.Locator("[data-interactive=true] h1")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByText("Your role does not allow th").CountAsync());
        await AssertPageRefusedAsync(page, "/admin");

        using var api = await shared.ClientWithTokenAsync(Roles.ReleaseEngineer);
        Assert.Equal(403, (int)(await CommandAsync(api, shared.RolloutId, "approve")).StatusCode);
    }

    [Fact]
    public async Task Incident_commander_holds_and_resumes_with_a_reason_recorded_only_and_cannot_post_summaries_edit_the_roster_or_approve()
    {
        var page = await SignedInAsync("ic", RoleWalkApp.Password);
        await AssertNavigationAsync(page, posts: false, admin: false);
        await AssertNewRolloutLinkAsync(page, shown: false);
        await OpenDashboardAsync(page, shared.RolloutId);
        await AssertActionsAsync(page, "Hold", "Roll back", "Resume", "Advance", "Poll now");
        await AssertPanelsAsync(page, summary: false, roster: false, tick: true);

        await E2ESteps.OpenActionDialogAsync(page, "Hold");
        await page.GetByLabel("Reason").FillAsync("checkout latency climbing, holding to look");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Hold" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Held", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-recorded-only]")).ToContainTextAsync("Actions are recorded only — no deploy system is configured");
        await Assertions.Expect(Toolbar(page).GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true })).ToBeEnabledAsync();
        await Assertions.Expect(Toolbar(page).GetByRole(AriaRole.Button, new() { Name = "Hold", Exact = true })).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "hold recorded — carry out by runbook" })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(700); // the snackbar's fade-in, so the screenshot does not catch it half drawn over the banner
        await Screenshots.SaveAsync(page, "role-ic.png", fullPage: false);

        await E2ESteps.OpenActionDialogAsync(page, "Resume");
        await page.GetByLabel("Reason").FillAsync("latency back under the limit");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rollout-status]")).ToHaveTextAsync("Running", new() { Timeout = 20_000 });

        await AssertPageRefusedAsync(page, "/rollouts/new");
        using var api = await shared.ClientWithTokenAsync(Roles.IncidentCommander);
        var summary = await api.PostAsJsonAsync($"/api/rollouts/{shared.RolloutId}/summaries", new { markdown = "not mine to post", recommendation = "GO" }, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(403, (int)summary.StatusCode);
    }

    [Fact]
    public async Task Product_manager_posts_summaries_with_nothing_chosen_ticks_checklists_and_has_no_rollout_actions()
    {
        var page = await SignedInAsync("pm", RoleWalkApp.Password);
        await AssertNavigationAsync(page, posts: false, admin: false);
        await AssertNewRolloutLinkAsync(page, shown: false);
        await OpenDashboardAsync(page, shared.RolloutId);
        await AssertActionsAsync(page);
        await AssertPanelsAsync(page, summary: true, roster: false, tick: true);

        foreach (var choice in new[] { "GO", "HOLD", "NO-GO", "ROLLBACK" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = choice, Exact = true })).Not.ToBeCheckedAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Post summary" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Post summary" }).ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "role-pm.png", fullPage: false);

        await AssertPageRefusedAsync(page, "/posts");
        using var api = await shared.ClientWithTokenAsync(Roles.ProductManager);
        Assert.Equal(403, (int)(await CommandAsync(api, shared.RolloutId, "rollback")).StatusCode);
    }

    [Fact]
    public async Task Executive_approves_holds_and_rolls_back_on_a_phone_without_sideways_scrolling_and_cannot_poll_or_create()
    {
        var desktop = await SignedInAsync("ceo", RoleWalkApp.Password);
        await AssertNavigationAsync(desktop, posts: false, admin: false);
        await AssertNewRolloutLinkAsync(desktop, shown: false);
        await OpenDashboardAsync(desktop, shared.RolloutId);
        await AssertActionsAsync(desktop, "Hold", "Roll back", "Resume", "Advance", "Approve");
        await AssertPanelsAsync(desktop, summary: false, roster: false, tick: true);
        await Screenshots.SaveAsync(desktop, "role-executive.png", fullPage: false);

        await desktop.GotoAsync($"/rollouts/{shared.RolloutId}/scorecard");
        await Assertions.Expect(desktop.GetByRole(AriaRole.Link, new() { Name = "Audit archive (zip)" })).ToBeVisibleAsync();

        var phone = await SignedInAsync("ceo", RoleWalkApp.Password, 390, 844);
        await OpenDashboardAsync(phone, shared.RolloutId);
        foreach (var part in new[] { "[data-rollout-status]", "[data-recommendation]", "[data-phase]", "[role=toolbar][aria-label='Rollout actions']" })
        {
            var box = await phone.Locator(part).First.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390.5, $"{part} is outside the 390 px screen: {box?.X} + {box?.Width}");
        }

        var width = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 391, $"the executive's phone scrolls sideways: {width} px wide");
        // The shot starts at the header: status, recommendation, phase and the action bar on one phone screen.
        await phone.Locator(".rollout-header").EvaluateAsync("e => e.scrollIntoView({ block: 'start' })");
        await Screenshots.SaveAsync(phone, "role-executive-phone.png", fullPage: false);

        using var api = await shared.ClientWithTokenAsync(Roles.ExecutiveApprover);
        var poll = await api.PostAsync($"/api/rollouts/{shared.RolloutId}/poll", null, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(403, (int)poll.StatusCode);
    }

    [Fact]
    public async Task Viewer_watches_the_board_and_the_dark_wall_screen_changes_nothing_and_a_token_rollback_is_refused()
    {
        var page = await SignedInAsync("viewer", RoleWalkApp.Password, 1920, 1080);
        await AssertNavigationAsync(page, posts: false, admin: false);
        await AssertNewRolloutLinkAsync(page, shown: false);
        await OpenDashboardAsync(page, shared.RolloutId);
        await AssertActionsAsync(page);
        await AssertPanelsAsync(page, summary: false, roster: false, tick: false);
        await Screenshots.SaveAsync(page, "role-viewer.png", fullPage: false);

        await page.GotoAsync($"/rollouts/{shared.RolloutId}/scorecard");
        await page.Locator("[data-interactive=true] [data-scorecard-recommendation]").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Audit archive (zip)" }).CountAsync());
        await AssertPageRefusedAsync(page, "/rollouts/new");

        // The wall screen is dark whatever the viewer chose for the dashboard.
        await page.GotoAsync($"/rollouts/{shared.RolloutId}/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("main[data-theme=dark]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-last-updated] time")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".tv [data-recorded-only]")).ToBeVisibleAsync();
        Assert.Equal(0, await Toolbar(page).CountAsync());
        await Screenshots.SaveAsync(page, "role-viewer-wall-dark.png", fullPage: false);

        using var api = await shared.ClientWithTokenAsync(Roles.Viewer);
        Assert.Equal(403, (int)(await CommandAsync(api, shared.RolloutId, "rollback")).StatusCode);
        var rollouts = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/rollouts", Xunit.TestContext.Current.CancellationToken);
        Assert.Equal("Running", rollouts.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == shared.RolloutId).GetProperty("status").GetString());
    }
}
