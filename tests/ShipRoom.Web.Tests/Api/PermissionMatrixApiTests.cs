using System.Net;
using System.Net.Http.Json;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>Every command through the HTTP API with a token of every role: allowed, or 403 — whatever the UI shows.</summary>
public sealed class PermissionMatrixApiTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    public static TheoryData<string> AllRoles => new(Roles.All);

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Each_command_is_allowed_exactly_for_the_roles_in_the_matrix(string role)
    {
        var client = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, role));
        var id = await ApiTestHost.RunningRolloutAsync(_factory);

        var commands = new (string Kind, RolloutAction Action)[]
        {
            ("approve", RolloutAction.Approve), ("advance", RolloutAction.Advance), ("resume", RolloutAction.Resume), ("hold", RolloutAction.Hold), ("rollback", RolloutAction.RollBack),
        };
        foreach (var (kind, action) in commands)
        {
            var response = await ApiTestHost.CommandAsync(client, id, kind);
            var allowed = PermissionMatrix.IsAllowed([role], action);
            Assert.True(allowed == (response.StatusCode != HttpStatusCode.Forbidden), $"{role} {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        var poll = await client.PostAsync($"/api/rollouts/{id}/poll", null, Ct);
        Assert.Equal(PermissionMatrix.IsAllowed([role], RolloutAction.PollNow), poll.StatusCode != HttpStatusCode.Forbidden);
        var create = await client.PostAsJsonAsync("/api/rollouts", new { planYaml = "release: {}", metricSource = "simulator" }, ShipRoomJson.Options, Ct);
        Assert.Equal(PermissionMatrix.IsAllowed([role], RolloutAction.CreateRollout), create.StatusCode != HttpStatusCode.Forbidden);
        var tokens = await client.GetAsync("/api/tokens", Ct);
        Assert.Equal(PermissionMatrix.IsAllowed([role], RolloutAction.ManageApiTokens), tokens.StatusCode != HttpStatusCode.Forbidden);
        // Empty body and an unknown id: the allowed roles get 400 and 404 (nothing is frozen), the others 403.
        var declare = await client.PostAsJsonAsync("/api/freezes", new { }, ShipRoomJson.Options, Ct);
        Assert.Equal(PermissionMatrix.IsAllowed([role], RolloutAction.DeclareFreeze) ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden, declare.StatusCode);
        var lift = await client.PostAsJsonAsync("/api/freezes/987654/lift", new { reason = "over" }, ShipRoomJson.Options, Ct);
        Assert.Equal(PermissionMatrix.IsAllowed([role], RolloutAction.DeclareFreeze) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden, lift.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/rollouts/{id}", Ct)).StatusCode);
    }
}
