using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Security;

/// <summary>
/// The live connections (/hubs/rollouts and the Blazor circuit at /_blazor) refuse a browser on another site, over a
/// real socket: WebSockets are not bound by the same-origin policy, so the server must look at Origin itself.
/// </summary>
public sealed class OriginCheckTests : IAsyncLifetime
{
    private const string Foreign = "https://evil.example";
    private const string Partner = "https://wall.example.com";

    private readonly ShipRoomAppFactory _factory = new(new Dictionary<string, string?> { ["ShipRoom:Security:AllowedOrigins:0"] = Partner }, useKestrel: true);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private string Own => _factory.ServerAddress.GetLeftPart(UriPartial.Authority);

    private async Task<HttpStatusCode> NegotiateAsync(string path, string? origin, string? token = null)
    {
        using var client = new HttpClient { BaseAddress = _factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return (await client.SendAsync(request, Ct)).StatusCode;
    }

    [Fact]
    public async Task The_hub_refuses_a_foreign_origin_and_accepts_its_own_and_configured_ones()
    {
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);

        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync("/hubs/rollouts", Foreign, token));
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync("/hubs/rollouts", "null", token));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync("/hubs/rollouts", Own, token));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync("/hubs/rollouts", Partner, token));
        // Automation sends no Origin at all: its token decides.
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync("/hubs/rollouts", null, token));
    }

    [Fact]
    public async Task The_blazor_circuit_refuses_a_foreign_origin()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync("/_blazor", Foreign));
        Assert.NotEqual(HttpStatusCode.Forbidden, await NegotiateAsync("/_blazor", Own));
    }

    [Theory]
    [InlineData("/_blazor")]
    [InlineData("/hubs/rollouts")]
    public async Task A_websocket_opened_from_a_foreign_origin_is_refused_with_403(string path)
    {
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", Foreign);
        socket.Options.CollectHttpResponseDetails = true;
        var address = new UriBuilder(_factory.ServerAddress) { Scheme = "ws", Path = path, Query = $"access_token={token}" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(address, Ct));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_websocket_from_its_own_origin_gets_past_the_check()
    {
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", Own);
        socket.Options.CollectHttpResponseDetails = true;
        var address = new UriBuilder(_factory.ServerAddress) { Scheme = "ws", Path = "/hubs/rollouts", Query = $"access_token={token}" }.Uri;

        // Without a negotiated connection id SignalR itself may refuse; what matters is that the origin check did not.
        try
        {
            await socket.ConnectAsync(address, Ct);
            Assert.Equal(WebSocketState.Open, socket.State);
        }
        catch (WebSocketException)
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        }
    }
}
