using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Configuration;

/// <summary>Collects every problem of ShipRoom:Auth, each naming its key and how to fix it.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = new List<string>();
        if (!Enum.TryParse<AuthMode>(options.Mode, ignoreCase: true, out var mode))
        {
            problems.Add($"{ConfigurationKeys.AuthMode} must be Local or OpenIdConnect, was '{options.Mode}'.");
        }

        if (options.MaxFailedSignIns is < 1 or > 100)
        {
            problems.Add($"{ConfigurationKeys.AuthSection}:MaxFailedSignIns must be between 1 and 100, was {options.MaxFailedSignIns}.");
        }

        if (options.LockoutMinutes is < 1 or > 24 * 60)
        {
            problems.Add($"{ConfigurationKeys.AuthSection}:LockoutMinutes must be between 1 and 1440, was {options.LockoutMinutes}.");
        }

        if (options.SessionHours is < 1 or > 24 * 14)
        {
            problems.Add($"{ConfigurationKeys.AuthSection}:SessionHours must be between 1 and 336, was {options.SessionHours}.");
        }

        if (options.InitialAdminPassword is { Length: > 0 and < 12 })
        {
            problems.Add($"{ConfigurationKeys.InitialAdminPassword} (or {ConfigurationKeys.InitialAdminPasswordEnvironment}) must be at least 12 characters; set a longer one or leave it empty to have one generated.");
        }

        if (mode == AuthMode.OpenIdConnect)
        {
            var oidc = options.OpenIdConnect;
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority))
            {
                problems.Add($"{ConfigurationKeys.AuthSection}:OpenIdConnect:Authority must be the absolute URL of your identity provider when {ConfigurationKeys.AuthMode} is OpenIdConnect.");
            }
            else if (oidc.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{ConfigurationKeys.AuthSection}:OpenIdConnect:Authority must use https (or set RequireHttpsMetadata to false for a local test provider).");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                problems.Add($"{ConfigurationKeys.AuthSection}:OpenIdConnect:ClientId is required when {ConfigurationKeys.AuthMode} is OpenIdConnect.");
            }

            if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            {
                problems.Add($"{ConfigurationKeys.AuthSection}:OpenIdConnect:RoleClaim must name the claim that carries ShipRoom roles (e.g. roles).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
