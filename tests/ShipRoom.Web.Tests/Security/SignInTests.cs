using System.Net;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Security;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new(new Dictionary<string, string?> { ["ShipRoom:Auth:MaxFailedSignIns"] = "3" });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task The_first_admin_signs_in_with_the_configured_password_and_sees_the_ship_room()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var home = await client.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Rollouts", await home.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, ct, includeAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", ct)).StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var wrong = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, "not-the-password", ct);
            Assert.Contains("error=invalid", wrong.Headers.Location?.OriginalString);
        }

        var third = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, "not-the-password", ct);
        var right = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, ct);

        Assert.Contains("error=locked", third.Headers.Location?.OriginalString);
        Assert.Contains("error=locked", right.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", ct)).StatusCode);
    }

    [Theory]
    [InlineData("/rollouts/3", "/rollouts/3")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData(null, "/")]
    public void Only_local_return_urls_are_followed(string? requested, string expected) =>
        Assert.Equal(expected, ShipRoom.Web.Authentication.AccountEndpoints.SafeReturnUrl(requested));
}
