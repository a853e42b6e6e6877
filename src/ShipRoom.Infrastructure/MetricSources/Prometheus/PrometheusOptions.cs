namespace ShipRoom.Infrastructure.MetricSources.Prometheus;

/// <summary>ShipRoom:Prometheus. Credentials are secrets: never shown in the UI, the API or a log line.</summary>
public sealed class PrometheusOptions
{
    public const string SectionName = "ShipRoom:Prometheus";

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
