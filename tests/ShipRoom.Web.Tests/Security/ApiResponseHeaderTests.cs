using System.Net;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Security;

public sealed class ApiResponseHeaderTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_429_says_when_to_come_back()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Security:ApiRequestsPerMinute"] = "2" });
        var client = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.Viewer));

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3; i++)
        {
            refused = await client.GetAsync("/api/rollouts", Ct);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, refused!.StatusCode);
        var seconds = refused.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.NotNull(seconds);
        Assert.InRange(seconds!.Value, 1, 60);
    }

    [Theory]
    [InlineData("/api/rollouts")]
    [InlineData("/api/audit")]
    [InlineData("/api/audit/export.csv")]
    public async Task Api_answers_are_never_stored_by_a_cache(string path)
    {
        await using var factory = new ShipRoomAppFactory();
        var client = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.Viewer));

        var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control was '{response.Headers.CacheControl}'");
    }
}
