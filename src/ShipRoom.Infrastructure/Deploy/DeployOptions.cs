using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// ShipRoom:Deploy: how commands reach the deploy system. Set by an administrator in configuration only, never from
/// the browser. A webhook wins over a command; with neither, decisions are recorded only.
/// </summary>
public sealed class DeployOptions
{
    public const string SectionName = ConfigurationKeys.DeploySection;

    public string? WebhookUrl { get; set; }

    /// <summary>Signs every webhook body (HMAC-SHA256, header X-ShipRoom-Signature: sha256=…). A secret: never logged or shown.</summary>
    public string? WebhookSecret { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public int Retries { get; set; } = 2;

    /// <summary>A program run without a shell, e.g. kubectl; arguments may use {action}, {rollout}, {release}, {commit}, {phase}, {traffic}.</summary>
    public string? CommandProgram { get; set; }

    public List<string> CommandArguments { get; set; } = [];
}

public sealed class DeployOptionsValidator : IValidateOptions<DeployOptions>
{
    public ValidateOptionsResult Validate(string? name, DeployOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.DeploySection);
        if (options.WebhookUrl is { Length: > 0 })
        {
            problems.HttpAddress(nameof(options.WebhookUrl), options.WebhookUrl, "https://deploy.example.com/shiproom");
            if (string.IsNullOrEmpty(options.WebhookSecret) || options.WebhookSecret.Length < 16)
            {
                problems.Add($"{problems.Key(nameof(options.WebhookSecret))} must be set (16 characters or more) when WebhookUrl is: the receiver checks the signature with it.");
            }
        }

        problems.Range(nameof(options.TimeoutSeconds), options.TimeoutSeconds, 1, 300);
        problems.Range(nameof(options.Retries), options.Retries, 0, 10);
        return problems.Result;
    }
}
