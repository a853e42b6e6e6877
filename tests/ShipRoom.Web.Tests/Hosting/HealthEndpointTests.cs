using System.Net;

namespace ShipRoom.Web.Tests.Hosting;

public sealed class HealthEndpointTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Health_and_ready_answer_200_without_signing_in_and_the_database_file_exists()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var health = await client.GetAsync("/health", ct);
        var ready = await client.GetAsync("/ready", ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"ready\"", await ready.Content.ReadAsStringAsync(ct));
        Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "shiproom.db")));
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        await client.GetAsync("/health", ct);

        var response = await client.GetAsync("/metrics", ct);
        var text = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE shiproom_uptime_seconds gauge", text);
        Assert.Matches(@"shiproom_http_requests_total\{status=""2xx""\} [1-9]", text);
    }

    [Fact]
    public async Task Pages_send_an_anonymous_visitor_to_the_login_page()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var home = await client.GetAsync("/", ct);
        var login = await client.GetAsync("/login", ct);

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/login", home.Headers.Location?.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Sign in", await login.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Responses_carry_the_security_headers()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/login", ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
