using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Tests.Configuration;

public sealed class AuthOptionsValidatorTests
{
    private readonly AuthOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new AuthOptions()).Succeeded);

    [Fact]
    public void OpenIdConnect_without_authority_or_client_lists_both_problems()
    {
        var result = _validator.Validate(null, new AuthOptions { Mode = "OpenIdConnect" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("ShipRoom:Auth:OpenIdConnect:Authority", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ShipRoom:Auth:OpenIdConnect:ClientId", StringComparison.Ordinal));
    }

    [Fact]
    public void OpenIdConnect_over_plain_http_is_refused_unless_explicitly_allowed()
    {
        var options = new AuthOptions { Mode = "OpenIdConnect", OpenIdConnect = { Authority = "http://idp.local", ClientId = "shiproom" } };
        Assert.Contains(_validator.Validate(null, options).Failures!, f => f.Contains("https", StringComparison.Ordinal));

        options.OpenIdConnect.RequireHttpsMetadata = false;
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_short_initial_admin_password_is_refused()
    {
        var result = _validator.Validate(null, new AuthOptions { InitialAdminPassword = "short" });
        Assert.Contains(result.Failures!, f => f.Contains("at least 12 characters", StringComparison.Ordinal));
    }
}
