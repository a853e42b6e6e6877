using System.Net.WebSockets;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// A dashboard's live connection (the Blazor circuit's WebSocket) is not compressed, even for a browser that offers
/// permessage-deflate: a compressed socket keeps a zlib state per open dashboard outside the managed heap
/// (docs/benchmarks.md, eighth round).
/// </summary>
public sealed class LiveConnectionCompressionTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new(new Dictionary<string, string?>(), useKestrel: true);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task The_circuit_websocket_declines_the_deflate_a_browser_offers()
    {
        var own = _factory.ServerAddress.GetLeftPart(UriPartial.Authority);
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _factory.ServerAddress };
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", own);
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var answer = await client.SendAsync(negotiate, Ct);
        answer.EnsureSuccessStatusCode();
        using var negotiated = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        var id = negotiated.RootElement.GetProperty("connectionToken").GetString();

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", own);
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        await socket.ConnectAsync(new UriBuilder(_factory.ServerAddress) { Scheme = "ws", Path = "/_blazor", Query = $"id={id}" }.Uri, Ct);

        Assert.Equal(WebSocketState.Open, socket.State);
        var extensions = socket.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var values) == true ? string.Join(",", values) : "";
        Assert.DoesNotContain("permessage-deflate", extensions);
    }
}
