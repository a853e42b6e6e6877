using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Configuration;

/// <summary>Collects every problem of ShipRoom:Auth, each naming its key and how to fix it.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.AuthSection);
        problems.OneOf(nameof(options.Mode), options.Mode, Enum.GetNames<AuthMode>());
        problems.Range(nameof(options.MaxFailedSignIns), options.MaxFailedSignIns, 1, 100);
        problems.Range(nameof(options.LockoutMinutes), options.LockoutMinutes, 1, 24 * 60);
        problems.Range(nameof(options.SessionHours), options.SessionHours, 1, 24 * 14);
        if (string.IsNullOrWhiteSpace(options.InitialAdminUserName))
        {
            problems.Add($"{problems.Key(nameof(options.InitialAdminUserName))} must not be empty; leave it out to use admin.");
        }

        if (options.InitialAdminPassword is { Length: > 0 and < 12 })
        {
            problems.Add($"{ConfigurationKeys.InitialAdminPassword} (or {ConfigurationKeys.InitialAdminPasswordEnvironment}) must be at least 12 characters; set a longer one or leave it empty to have one generated.");
        }

        if (string.Equals(options.Mode, nameof(AuthMode.OpenIdConnect), StringComparison.OrdinalIgnoreCase))
        {
            var oidc = options.OpenIdConnect;
            var oidcKey = ConfigurationKeys.OpenIdConnectSection;
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority))
            {
                problems.Add($"{oidcKey}:Authority must be the absolute URL of your identity provider when {ConfigurationKeys.AuthMode} is OpenIdConnect.");
            }
            else if (oidc.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{oidcKey}:Authority must use https (or set {oidcKey}:RequireHttpsMetadata to false for a local test provider).");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                problems.Add($"{oidcKey}:ClientId is required when {ConfigurationKeys.AuthMode} is OpenIdConnect.");
            }

            if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            {
                problems.Add($"{oidcKey}:RoleClaim must name the claim that carries ShipRoom roles (e.g. roles).");
            }
        }

        return problems.Result;
    }
}
