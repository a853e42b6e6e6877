using Microsoft.Extensions.Options;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Telemetry;

public static class TelemetryEndpoints
{
    /// <summary>/metrics in Prometheus text format; open unless ShipRoom:Metrics:RequireAuthentication is true.</summary>
    public static IEndpointRouteBuilder MapPrometheusEndpoint(this IEndpointRouteBuilder endpoints)
    {
        var requireAuthentication = endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsEndpointOptions>>().Value.RequireAuthentication;
        var endpoint = endpoints.MapPrometheusScrapingEndpoint("/metrics");
        if (!requireAuthentication)
        {
            endpoint.AllowAnonymous();
        }

        return endpoints;
    }

    /// <summary>Counts answered requests by status class (2xx, 4xx...) for /metrics.</summary>
    public static IApplicationBuilder UseRequestCounting(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<ShipRoomMetrics>();
        return app.Use(async (context, next) =>
        {
            await next();
            metrics.HttpRequests.Add(1, new KeyValuePair<string, object?>("status", $"{context.Response.StatusCode / 100}xx"));
        });
    }
}
