using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

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
        var updated = new TaskCompletionSource<RolloutSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<RolloutSnapshot>("RolloutUpdated", snapshot => updated.TrySetResult(snapshot));
        await hub.StartAsync(Ct);

        var current = await hub.InvokeAsync<RolloutSnapshot>("Subscribe", id, Ct);
        var poller = _factory.Services.GetRequiredService<RolloutPoller>();
        if ((await poller.PollAsync(id, Ct)).Kind != PollOutcomeKind.Polled)
        {
            // The scheduler polled this minute before we subscribed: judge and publish what it stored.
            await poller.JudgeAndActAsync(id, Ct);
        }

        var pushed = await updated.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(id, current.Id);
        Assert.Equal(id, pushed.Id);
        Assert.NotNull(pushed.Verdict);
        Assert.NotNull(pushed.Poll.LastPollAt);
        Assert.NotEmpty(pushed.Panels.SelectMany(p => p.Metrics).Single(m => m.Key == "p95_latency_ms").CanarySeries);
        Assert.NotNull(address);
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
