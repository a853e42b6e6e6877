using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// The shipped demo (plan 004 on the simulator, 60× time so a poll brings five minutes) followed over the hub through
/// two phase advances: every update after the first poll stays within 32 KB and a client that applies the patches ends
/// with the state the server holds.
/// </summary>
public sealed class DemoHubUpdatesTests
{
    private const int MaxUpdateBytes = 32 * 1024;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_followed_through_two_phase_advances_sends_updates_within_32_KB_and_the_client_ends_with_the_servers_state()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Demo:Enabled"] = "true", ["ShipRoom:Demo:TimeFactor"] = "60" }, useKestrel: true);
        var store = factory.Services.GetRequiredService<RolloutSnapshotStore>();
        var token = await ApiTestHost.TokenAsync(factory, Roles.Viewer);
        // The first poll back-fills the hour before the rollout: the subscriber joins after it, as the budget is about steady updates.
        var first = await WaitForAsync(() => store.All.FirstOrDefault(s => s.Poll.PolledUpTo is not null), TimeSpan.FromSeconds(60));
        var demo = await WaitForAsync(() => store.Get(first.Id) is { Poll.PolledUpTo: { } upTo } later && upTo > first.Poll.PolledUpTo ? later : null, TimeSpan.FromSeconds(60));

        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.ServerAddress!, "hubs/rollouts"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await using var _ = hub;
        await hub.StartAsync(Ct);
        var mirror = new HubMirror(hub, demo.Id);
        await mirror.SubscribeAsync(Ct);
        var startPhase = demo.PhaseIndex;

        await WaitForAsync(() => store.Get(demo.Id) is { PhaseIndex: var phase } && phase >= startPhase + 2 ? (object)phase : null, TimeSpan.FromSeconds(120));
        var final = store.GetState(demo.Id)!;
        await mirror.CatchUpAsync(final.Sequence, Ct);

        Assert.Equal(0, mirror.Resubscribed);
        Assert.True(mirror.Applied >= 2, $"only {mirror.Applied} updates were applied");
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(final.Snapshot, ShipRoomJson.Options), mirror.State), "the client's state differs from the server's");
        Assert.InRange(mirror.LargestUpdateBytes, 1, MaxUpdateBytes);
        // The storage keeps the window between polls, so the judgement extends its index rather than rebuilding it.
        var assessor = factory.Services.GetRequiredService<RolloutAssessor>();
        Assert.True(assessor.IndexExtensions > 0, "no poll extended the kept series index");
        Xunit.TestContext.Current.SendDiagnosticMessage($"demo: {mirror.Applied} updates, largest {mirror.LargestUpdateBytes} B");
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan limit)
        where T : class
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"not seen within {limit.TotalSeconds} s");
    }
}
