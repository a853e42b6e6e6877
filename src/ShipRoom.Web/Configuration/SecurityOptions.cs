using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Configuration;

/// <summary>ShipRoom:Security: transport and request limits.</summary>
public sealed class SecurityOptions
{
    /// <summary>Behind TLS: redirect to https and send HSTS.</summary>
    public bool RequireHttps { get; set; }

    /// <summary>API requests per minute per caller (token or person); more answer 429.</summary>
    public int ApiRequestsPerMinute { get; set; } = 600;
}

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.SecuritySection);
        problems.Range(nameof(options.ApiRequestsPerMinute), options.ApiRequestsPerMinute, 1, 100_000);
        return problems.Result;
    }
}
