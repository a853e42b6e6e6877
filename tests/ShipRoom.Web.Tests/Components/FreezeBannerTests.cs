using Bunit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Components.Controls;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Components;

/// <summary>The banner every page shows: each open lock or freeze with owner, reason and countdown, from the shared board.</summary>
public sealed class FreezeBannerTests : CommandComponentTestContext
{
    [Fact]
    public async Task A_live_canarys_lock_and_a_change_freeze_show_with_owner_reason_and_countdown()
    {
        var board = Board();

        var banner = Render<FreezeBanner>();
        Assert.Empty(banner.FindAll("[data-freeze-banner]"));

        var id = await Host.StartRolloutAsync();
        await Host.Get<IFreezeRepository>().AddAsync(id, FreezeKinds.ChangeFreeze, "releng", "24h non-critical change freeze", Host.Time.GetUtcNow(), Host.Time.GetUtcNow().AddHours(2), Ct);
        await board.RefreshAsync(Ct);

        banner.WaitForAssertion(() => Assert.Equal(2, banner.FindAll("[data-freeze-banner]").Count), TimeSpan.FromSeconds(10));
        var lockText = banner.Find("[data-freeze-banner='infra-lock']").TextContent;
        Assert.Contains("Infra lock", lockText);
        Assert.Contains("owner releng", lockText);
        Assert.Contains("ends when the rollout completes or rolls back", lockText);
        Assert.Matches(@"UTC\)?; ends when the rollout completes or rolls back\. Starting another rollout", lockText); // sentences apart, not run together
        Assert.Contains("ends in 2h 00m", banner.Find("[data-freeze-countdown]").TextContent);

        Host.Time.Advance(TimeSpan.FromMinutes(45));
        await board.RefreshAsync(Ct);
        banner.WaitForAssertion(() => Assert.Contains("ends in 1h 15m", banner.Find("[data-freeze-countdown]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(banner.FindAll("[data-lift-freeze]")); // automatic windows have no Lift, and nobody is signed in
    }

    private FreezeBoard Board()
    {
        var hub = new ServiceCollection().AddLogging().AddSignalR().Services.BuildServiceProvider().GetRequiredService<IHubContext<RolloutsHub>>();
        var store = new RolloutSnapshotStore(hub, Options.Create(new LiveOptions()), new ShipRoom.Infrastructure.Rollouts.Commands.UnsavedRollbacks(), Host.Time, NullLogger<RolloutSnapshotStore>.Instance);
        var board = new FreezeBoard(Host.Get<FreezeService>(), store, Host.Time, NullLogger<FreezeBoard>.Instance);
        Services.AddSingleton(board);
        Services.AddSingleton<TimeProvider>(Host.Time);
        Services.AddSingleton(Host.Get<DeclaredFreezeService>());
        return board;
    }

    [Theory]
    [InlineData(Roles.Viewer, false)]
    [InlineData(Roles.IncidentCommander, false)]
    [InlineData(Roles.ProductManager, false)]
    [InlineData(Roles.ReleaseEngineer, true)]
    [InlineData(Roles.ExecutiveApprover, true)]
    [InlineData(Roles.Admin, true)]
    public async Task Declare_and_lift_show_only_to_the_roles_that_may(string role, bool allowed)
    {
        var board = Board();
        SignIn("someone", role);
        RenderProviders();
        var declared = await Host.Get<DeclaredFreezeService>().DeclareAsync(new FreezeDeclaration("launch weekend", null, Host.Time.GetUtcNow().AddHours(6)), "releng", [Roles.ReleaseEngineer], Ct);
        await board.RefreshAsync(Ct);

        var banner = Render<FreezeBanner>();
        var button = Render<DeclareFreezeButton>();
        var text = banner.Find("[data-freeze-banner='declared']").TextContent;
        Assert.Contains("Deploy freeze", text);
        Assert.Contains("declared by releng", text);
        Assert.Contains("launch weekend", text);
        Assert.Contains("ends in 6h 00m", text);
        Assert.Equal(allowed, banner.FindAll($"[data-lift-freeze='{declared.Freeze!.Id}']").Count == 1);
        Assert.Equal(allowed, button.FindAll("[data-declare-freeze]").Count == 1);

        // The wall screen shows the freeze without actions, whoever looks at it.
        var wall = Render<FreezeBanner>(p => p.Add(b => b.ShowActions, false));
        Assert.Single(wall.FindAll("[data-freeze-banner='declared']"));
        Assert.Empty(wall.FindAll("[data-lift-freeze]"));
    }

    [Fact]
    public async Task Lift_asks_for_a_reason_lifts_the_freeze_and_the_banner_lets_it_go()
    {
        var board = Board();
        SignIn("ceo", Roles.ExecutiveApprover);
        var dialogs = RenderProviders();
        var declared = await Host.Get<DeclaredFreezeService>().DeclareAsync(new FreezeDeclaration("launch weekend", null, Host.Time.GetUtcNow().AddHours(6)), "releng", [Roles.ReleaseEngineer], Ct);
        await board.RefreshAsync(Ct);
        var banner = Render<FreezeBanner>();

        banner.Find("[data-lift-freeze]").Click();
        AnswerReasonDialog(dialogs, "Lift", "launch moved to Monday");

        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-freeze-banner]")), TimeSpan.FromSeconds(10));
        var lifted = (await Host.Get<IFreezeRepository>().GetAsync(declared.Freeze!.Id, Ct))!;
        Assert.Equal(("ceo", "launch moved to Monday"), (lifted.LiftedBy, lifted.LiftReason));
    }

    [Fact]
    public void Declare_a_freeze_asks_why_and_for_how_long_and_the_banner_shows_it()
    {
        var board = Board();
        SignIn("releng", Roles.ReleaseEngineer);
        var dialogs = RenderProviders();
        var banner = Render<FreezeBanner>();
        var button = Render<DeclareFreezeButton>();

        button.Find("[data-declare-freeze]").Click();
        dialogs.WaitForElement("[data-freeze-window]");
        Assert.Contains("2026-11-25 10:00 – 2026-11-26 10:00 UTC", dialogs.Find("[data-freeze-window]").TextContent); // now + the default 24 h
        dialogs.Find("textarea").Input("launch weekend\nno deploys");
        dialogs.Find("input[data-freeze-hours]").Input("6");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Declare freeze").Click();

        banner.WaitForAssertion(() => Assert.Single(banner.FindAll("[data-freeze-banner='declared']")), TimeSpan.FromSeconds(10));
        var freeze = Assert.Single(board.Active);
        Assert.Equal(("releng", "launch weekend no deploys", Host.Time.GetUtcNow(), (DateTimeOffset?)Host.Time.GetUtcNow().AddHours(6)),
            (freeze.Owner, freeze.Reason, freeze.StartsAt, freeze.EndsAt));
    }
}
