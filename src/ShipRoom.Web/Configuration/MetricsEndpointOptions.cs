namespace ShipRoom.Web.Configuration;

/// <summary>ShipRoom:Metrics: whether /metrics (ShipRoom's own Prometheus metrics) needs a signed-in caller.</summary>
public sealed class MetricsEndpointOptions
{
    public bool RequireAuthentication { get; set; }
}
