namespace ShipRoom.Web.Configuration;

/// <summary>
/// ShipRoom:Metrics: whether /metrics (ShipRoom's own Prometheus metrics) needs a signed-in caller. A true/false
/// setting has nothing to check beyond being read, which start-up does.
/// </summary>
public sealed class MetricsEndpointOptions
{
    public bool RequireAuthentication { get; set; }
}
