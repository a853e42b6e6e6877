using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.MetricSources.Prometheus;

/// <summary>ShipRoom:Prometheus. Credentials are secrets: never shown in the UI, the API or a log line.</summary>
public sealed class PrometheusOptions
{
    public const string SectionName = ConfigurationKeys.PrometheusSection;

    /// <summary>The server's base address, e.g. http://prometheus:9090.</summary>
    public string? BaseUrl { get; set; }

    public string? BasicAuthUser { get; set; }

    public string? BasicAuthPassword { get; set; }

    public string? BearerToken { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries after a timeout, a 5xx or a refused connection, with exponential backoff.</summary>
    public int Retries { get; set; } = 2;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;

    /// <summary>The label values substituted for {{cohort}} in a query template.</summary>
    public string ControlLabel { get; set; } = "control";

    public string CanaryLabel { get; set; } = "canary";
}

public sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.PrometheusSection);
        problems.HttpAddress(nameof(options.BaseUrl), options.BaseUrl, "http://prometheus:9090");
        if (!string.IsNullOrEmpty(options.BasicAuthUser) != !string.IsNullOrEmpty(options.BasicAuthPassword))
        {
            problems.Add($"{problems.Key(nameof(options.BasicAuthUser))} and {problems.Key(nameof(options.BasicAuthPassword))} go together: set both, or neither.");
        }

        if (!string.IsNullOrEmpty(options.BearerToken) && !string.IsNullOrEmpty(options.BasicAuthUser))
        {
            problems.Add($"{problems.Key(nameof(options.BearerToken))} and basic authentication are both set: keep the one your Prometheus expects.");
        }

        problems.Range(nameof(options.TimeoutSeconds), options.TimeoutSeconds, 1, 300);
        problems.Range(nameof(options.Retries), options.Retries, 0, 10);
        problems.Range(nameof(options.RetryBaseDelayMilliseconds), options.RetryBaseDelayMilliseconds, 1, 60_000);
        foreach (var (setting, label) in new[] { (nameof(options.ControlLabel), options.ControlLabel), (nameof(options.CanaryLabel), options.CanaryLabel) })
        {
            if (string.IsNullOrWhiteSpace(label) || label.IndexOfAny(['"', '\\', '\n']) >= 0)
            {
                problems.Add($"{problems.Key(setting)} must be the label value that marks the cohort in your series (e.g. control, canary), without quotes or backslashes.");
            }
        }

        if (string.Equals(options.ControlLabel, options.CanaryLabel, StringComparison.Ordinal))
        {
            problems.Add($"{problems.Key(nameof(options.ControlLabel))} and {problems.Key(nameof(options.CanaryLabel))} must differ, or both cohorts read the same series.");
        }

        return problems.Result;
    }
}
