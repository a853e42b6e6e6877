using System.Net;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

public sealed class AuditApiTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task The_audit_trail_is_searchable_exportable_and_verifiable_by_any_signed_in_role()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var ic = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));
        await ApiTestHost.CommandAsync(ic, id, "hold", "=HYPERLINK(\"http://evil\") checking");
        var viewer = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.Viewer));

        var holds = JsonDocument.Parse(await viewer.GetStringAsync($"/api/audit?rollout={id}&kind=rollout.hold", Ct)).RootElement;
        var csv = await viewer.GetStringAsync($"/api/audit/export.csv?rollout={id}", Ct);
        var verify = JsonDocument.Parse(await viewer.GetStringAsync("/api/audit/verify", Ct)).RootElement;

        var hold = Assert.Single(holds.EnumerateArray());
        Assert.Equal("token:test IncidentCommander", hold.GetProperty("actor").GetString());
        Assert.StartsWith("sequence,at,actor,kind,rollout,summary,before,after,reason,previous_hash,hash\n", csv);
        Assert.Contains("rollout.created", csv);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\") checking\"", csv);
        Assert.True(verify.GetProperty("isIntact").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().GetAsync("/api/audit", Ct)).StatusCode);
    }
}
