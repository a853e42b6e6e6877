using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// ShipRoom:Deploy: how commands reach the deploy system. Set by an administrator in configuration only, never from
/// the browser. A webhook wins over a command; with neither, decisions are recorded only.
/// </summary>
public sealed class DeployOptions
{
    public const string SectionName = "ShipRoom:Deploy";

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
        var problems = new List<string>();
        if (options.WebhookUrl is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                problems.Add($"{DeployOptions.SectionName}:WebhookUrl must be an absolute http(s) address.");
            }

            if (string.IsNullOrEmpty(options.WebhookSecret) || options.WebhookSecret.Length < 16)
            {
                problems.Add($"{DeployOptions.SectionName}:WebhookSecret must be set (16 characters or more) when WebhookUrl is: the receiver checks the signature with it.");
            }
        }

        if (options.TimeoutSeconds is < 1 or > 300)
        {
            problems.Add($"{DeployOptions.SectionName}:TimeoutSeconds must be between 1 and 300, was {options.TimeoutSeconds}.");
        }

        if (options.Retries is < 0 or > 10)
        {
            problems.Add($"{DeployOptions.SectionName}:Retries must be between 0 and 10, was {options.Retries}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
