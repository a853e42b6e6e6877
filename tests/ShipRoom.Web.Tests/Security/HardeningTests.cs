using System.Net;
using System.Security.Claims;
using ShipRoom.Core.Security;
using ShipRoom.Web.Security;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Tests.Security;

public sealed class HardeningTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_api_is_rate_limited_per_caller()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Security:ApiRequestsPerMinute"] = "3" });
        var first = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.Viewer));
        var second = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.Viewer));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await first.GetAsync("/api/rollouts", Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/rollouts", Ct)).StatusCode);
    }

    [Fact]
    public async Task With_https_required_plain_http_is_redirected()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Security:RequireHttps"] = "true", ["https_port"] = "443" });
        var response = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/login", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.StartsWith("https://", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/metrics")]
    public async Task With_https_required_probes_and_scrapes_over_plain_http_still_get_their_answer(string path)
    {
        // A kubelet or Prometheus reaches the pod directly over http; a redirect would pass a probe without checking.
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Security:RequireHttps"] = "true", ["https_port"] = "443" });
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            response = await client.GetAsync(path, Ct);
        }
        while (response.StatusCode == HttpStatusCode.ServiceUnavailable && ++attempts < 40 && await Task.Delay(250, Ct).ContinueWith(_ => true, Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Identity_provider_roles_are_mapped_and_unknown_ones_dropped()
    {
        var identity = new ClaimsIdentity([new Claim("groups", "IncidentCommander, Viewer"), new Claim("groups", "SuperUser"), new Claim("groups", "Admin")], "oidc");
        var principal = new ClaimsPrincipal(identity);

        OidcRoleMapper.MapRoles(principal, "groups");

        Assert.Equal(["IncidentCommander", "Viewer", "Admin"], identity.FindAll(ClaimTypes.Role).Select(c => c.Value));
        Assert.True(principal.IsInRole(Roles.IncidentCommander));
        Assert.False(principal.IsInRole("SuperUser"));
    }
}
