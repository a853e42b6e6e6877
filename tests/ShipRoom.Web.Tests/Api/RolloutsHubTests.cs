using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Api;

/// <summary>/hubs/rollouts with the SignalR .NET client over a real socket, authorised by API tokens.</summary>
public sealed class RolloutsHubTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new(useKestrel: true);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private HubConnection Connect(string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.ServerAddress, "hubs/rollouts"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(options => ShipRoomJson.Configure(options.PayloadSerializerOptions))
            .Build();

    [Fact]
    public async Task A_subscriber_receives_rollout_updated_after_a_poll()
    {
        var address = _factory.ServerAddress;
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        await using var hub = Connect(await ApiTestHost.TokenAsync(_factory, Roles.Viewer));
        var mirror = new Live.HubMirror(hub, id);
        await hub.StartAsync(Ct);

        var current = await hub.InvokeAsync<RolloutState>("Subscribe", id, Ct);
        await mirror.SubscribeAsync(Ct);
        var poller = _factory.Services.GetRequiredService<RolloutPoller>();
        if ((await poller.PollAsync(id, Ct)).Kind != PollOutcomeKind.Polled)
        {
            // The scheduler polled this minute before we subscribed: judge and publish what it stored.
            await poller.JudgeAndActAsync(id, Ct);
        }

        for (var i = 0; i < 300 && mirror.Seen.IsEmpty; i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.True(mirror.Seen.TryPeek(out var first), "no RolloutUpdated within 30 s");
        var pushed = System.Text.Json.JsonSerializer.Deserialize<RolloutUpdate>(first, ShipRoomJson.Options)!;

        Assert.Equal(id, current.Snapshot.Id);
        Assert.Equal(id, pushed.RolloutId);
        Assert.True(pushed.Sequence > current.Sequence);
        Assert.Contains("builtAt", pushed.Patch.Select(p => p.Key));
        // The update is the change only; applied to what Subscribe answered it gives the snapshot the server holds.
        var held = _factory.Services.GetRequiredService<RolloutSnapshotStore>().GetState(id)!;
        await mirror.CatchUpAsync(held.Sequence, Ct);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.JsonSerializer.SerializeToNode(held.Snapshot, ShipRoomJson.Options), mirror.State));
        Assert.NotNull(held.Snapshot.Verdict);
        Assert.NotNull(held.Snapshot.Poll.LastPollAt);
        Xunit.TestContext.Current.SendDiagnosticMessage($"hub-update (shipped plan, one poll): update {mirror.LargestUpdateBytes} B, whole snapshot {System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(held.Snapshot, ShipRoomJson.Options).Length} B");
        Assert.NotEmpty(mirror.State!["panels"]!.AsArray().SelectMany(p => p!["metrics"]!.AsArray()).Single(m => (string?)m!["key"] == "p95_latency_ms")!["canarySeries"]!.AsArray());
        Assert.NotNull(address);
    }

    [Fact]
    public async Task The_store_makes_updates_of_a_rollout_while_a_hub_client_watches_it_and_stops_when_it_unsubscribes_or_goes()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var store = _factory.Services.GetRequiredService<RolloutSnapshotStore>();
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);
        await using var hub = Connect(token);
        await hub.StartAsync(Ct);

        await hub.InvokeAsync<RolloutState>("Subscribe", id, Ct);
        await hub.InvokeAsync<RolloutState>("Subscribe", id, Ct); // a re-fetch is not a second watcher
        Assert.Equal(1, store.HubWatchers(id));
        await hub.InvokeAsync("Unsubscribe", id, Ct);
        Assert.Equal(0, store.HubWatchers(id));

        await hub.InvokeAsync<RolloutState>("Subscribe", id, Ct);
        await using (var second = Connect(token))
        {
            await second.StartAsync(Ct);
            await second.InvokeAsync<RolloutState>("Subscribe", id, Ct);
            Assert.Equal(2, store.HubWatchers(id));
        }

        // The second connection closed: the server notices its disconnect on its own time.
        for (var i = 0; i < 100 && store.HubWatchers(id) != 1; i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(1, store.HubWatchers(id));
        await hub.StopAsync(Ct);
        for (var i = 0; i < 100 && store.HubWatchers(id) != 0; i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(0, store.HubWatchers(id));
    }

    [Fact]
    public async Task An_update_published_while_a_command_is_carried_out_reaches_the_subscriber_once_the_command_is_done()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var store = _factory.Services.GetRequiredService<RolloutSnapshotStore>();
        await using var hub = Connect(await ApiTestHost.TokenAsync(_factory, Roles.Viewer));
        var mirror = new Live.HubMirror(hub, id);
        await hub.StartAsync(Ct);
        await mirror.SubscribeAsync(Ct);

        // Whatever is published once the command has begun (this snapshot, or a poll's meanwhile) waits for it; a push
        // begun before it may still land, with a sequence at most the one held then.
        var command = _factory.Services.GetRequiredService<ShipRoom.Infrastructure.Storage.IDbConnectionFactory>().Writes.Command();
        var held = store.GetState(id)!;
        await store.PublishAsync(held.Snapshot with { BuiltAt = held.Snapshot.BuiltAt.AddSeconds(1) }, Ct);
        await Task.Delay(500, Ct);
        Assert.DoesNotContain(mirror.Seen, update => update.GetProperty("sequence").GetInt64() > held.Sequence);

        command.Dispose();
        var published = store.GetState(id)!;
        await mirror.CatchUpAsync(published.Sequence, Ct);
        Assert.Equal(published.Sequence, mirror.Sequence);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.JsonSerializer.SerializeToNode(published.Snapshot, ShipRoomJson.Options), mirror.State));
    }

    [Fact]
    public async Task Commands_through_the_hub_are_authorised_like_the_api()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        await using var viewer = Connect(await ApiTestHost.TokenAsync(_factory, Roles.Viewer));
        await using var ic = Connect(await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));
        await viewer.StartAsync(Ct);
        await ic.StartAsync(Ct);

        var refused = await viewer.InvokeAsync<HubResult>("Command", id, "rollback", "forged from a viewer", (long?)null, Ct);
        var held = await ic.InvokeAsync<HubResult>("Command", id, "hold", "checking the checkout journey", (long?)null, Ct);

        Assert.Equal("Forbidden", refused.Status);
        Assert.Equal("Executed", held.Status);
        // The version the hold stored: the expectedVersion of the next command, answered before the snapshot is built.
        var stored = await _factory.Services.GetRequiredService<ShipRoom.Infrastructure.Storage.IRolloutRepository>().GetAsync(id, Ct);
        Assert.Equal((null, stored!.Version), (refused.RolloutVersion, held.RolloutVersion));
    }

    public static TheoryData<string> AllRoles => new(Roles.All);

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Every_role_gets_exactly_the_hub_commands_the_matrix_allows(string role)
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        await using var hub = Connect(await ApiTestHost.TokenAsync(_factory, role));
        await hub.StartAsync(Ct);

        foreach (var (kind, action) in new (string, RolloutAction)[] { ("approve", RolloutAction.Approve), ("advance", RolloutAction.Advance), ("resume", RolloutAction.Resume), ("hold", RolloutAction.Hold), ("rollback", RolloutAction.RollBack) })
        {
            var result = await hub.InvokeAsync<HubResult>("Command", id, kind, "matrix", (long?)null, Ct);
            Assert.True(PermissionMatrix.IsAllowed([role], action) == (result.Status != "Forbidden"), $"{role} {kind}: {result.Status} {result.Message}");
        }
    }

    [Fact]
    public async Task Without_a_token_the_hub_refuses_the_connection()
    {
        await using var anonymous = new HubConnectionBuilder().WithUrl(new Uri(_factory.ServerAddress, "hubs/rollouts")).Build();

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    private sealed record HubResult(string Status, string Message, long? RolloutVersion);
}
