namespace ShipRoom.Infrastructure.MetricSources;

/// <summary>Where the control and canary series come from (Prometheus, the simulator).</summary>
public interface IMetricSource
{
    /// <summary>A short name shown beside NO DATA reasons, e.g. "prometheus" or "simulator".</summary>
    string Name { get; }

    /// <summary>Reads one series; never throws for a source-side problem, which comes back as <see cref="MetricSeriesResult.Problem"/>.</summary>
    Task<MetricSeriesResult> ReadAsync(MetricSeriesRequest request, CancellationToken cancellationToken);
}
