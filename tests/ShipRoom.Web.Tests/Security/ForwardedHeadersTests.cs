using System.Net;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Security;

/// <summary>
/// Behind a reverse proxy on a real socket: X-Forwarded-Proto and X-Forwarded-For count only when the connection
/// comes from a configured proxy. Then cookies are Secure, the https redirect does not loop, and sign-in limits count
/// each client; from anyone else the same headers change nothing.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Untrusted = "10.9.9.9";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static ShipRoomAppFactory App(string proxy, bool requireHttps) => new(new Dictionary<string, string?>
    {
        ["ShipRoom:Proxy:KnownProxies:0"] = proxy,
        ["ShipRoom:Security:RequireHttps"] = requireHttps ? "true" : "false",
        ["https_port"] = "443",
    }, useKestrel: true);

    private static HttpClient Client(ShipRoomAppFactory app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.ServerAddress };

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? proto = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (proto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", proto);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_https_is_believed_so_the_redirect_does_not_loop()
    {
        await using var app = App("127.0.0.1", requireHttps: true);
        using var client = Client(app);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/login", proto: "https")).StatusCode);
        var plain = await GetAsync(client, "/login", proto: "http");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.StartsWith("https://", plain.Headers.Location?.ToString());
    }

    [Fact]
    public async Task From_an_address_that_is_not_a_proxy_the_header_is_ignored()
    {
        await using var app = App(Untrusted, requireHttps: true);
        using var client = Client(app);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, (await GetAsync(client, "/login", proto: "https")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData(Untrusted, false)]
    public async Task The_session_cookie_is_secure_exactly_when_the_browser_used_https(string proxy, bool secure)
    {
        await using var app = App(proxy, requireHttps: false);
        using var client = Client(app);
        var login = await GetAsync(client, "/login", proto: "https");
        var antiforgeryCookie = login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        var html = await login.Content.ReadAsStringAsync(Ct);
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["userName"] = ShipRoomAppFactory.AdminUserName, ["password"] = ShipRoomAppFactory.AdminPassword, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
            }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("shiproom.session=", StringComparison.Ordinal));
        Assert.Equal(secure, session.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData(Untrusted, true)]
    public async Task Sign_in_limits_count_the_client_behind_a_trusted_proxy_and_the_connection_otherwise(string proxy, bool secondClientLimited)
    {
        await using var app = App(proxy, requireHttps: false);
        using var client = Client(app);

        async Task<HttpStatusCode> PostAsync(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent([]) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await client.SendAsync(request, Ct)).StatusCode;
        }

        // The sign-in limit is 20 a minute per client address.
        for (var i = 0; i < 20; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await PostAsync("203.0.113.5"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync("203.0.113.5"));
        Assert.Equal(secondClientLimited, await PostAsync("203.0.113.6") == HttpStatusCode.TooManyRequests);
    }
}
