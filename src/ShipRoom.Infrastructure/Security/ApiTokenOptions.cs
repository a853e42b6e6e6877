using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Security;

/// <summary>ShipRoom:ApiTokens.</summary>
public sealed class ApiTokenOptions
{
    /// <summary>
    /// How long a token this instance validated is still accepted when the database cannot be reached, so automation
    /// can roll back during an outage as the dashboard can. While the database answers, every request is checked
    /// against it (a revocation takes effect at once). 0 turns the fallback off.
    /// </summary>
    public TimeSpan OutageCache { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class ApiTokenOptionsValidator : IValidateOptions<ApiTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiTokenOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.ApiTokensSection);
        problems.Range(nameof(options.OutageCache), options.OutageCache, TimeSpan.Zero, TimeSpan.FromHours(1));
        return problems.Result;
    }
}
