using Bunit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Freezes;
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
        var hub = new ServiceCollection().AddLogging().AddSignalR().Services.BuildServiceProvider().GetRequiredService<IHubContext<RolloutsHub>>();
        var store = new RolloutSnapshotStore(hub, Options.Create(new LiveOptions()), new ShipRoom.Infrastructure.Rollouts.Commands.UnsavedRollbacks(), Host.Time, NullLogger<RolloutSnapshotStore>.Instance);
        var board = new FreezeBoard(Host.Get<FreezeService>(), store, Host.Time, NullLogger<FreezeBoard>.Instance);
        Services.AddSingleton(board);
        Services.AddSingleton<TimeProvider>(Host.Time);

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
        Assert.Contains("ends in 2h 00m", banner.Find("[data-freeze-countdown]").TextContent);

        Host.Time.Advance(TimeSpan.FromMinutes(45));
        await board.RefreshAsync(Ct);
        banner.WaitForAssertion(() => Assert.Contains("ends in 1h 15m", banner.Find("[data-freeze-countdown]").TextContent), TimeSpan.FromSeconds(10));
    }
}
