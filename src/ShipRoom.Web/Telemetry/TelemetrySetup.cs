using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ShipRoom.Infrastructure.Telemetry;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Telemetry;

public static class TelemetrySetup
{
    /// <summary>The runtime's own meter (CPU time, GC, JIT, thread pool), exported beside ShipRoom's as dotnet_*.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>
    /// OpenTelemetry: the "ShipRoom" meter and the runtime's exported at /metrics by the Prometheus exporter (real histograms with
    /// buckets), and the poll → judge → act → publish spans exported over OTLP when ShipRoom:Telemetry:OtlpEndpoint
    /// is set. Without an endpoint no tracer listens, so the spans cost nothing.
    /// </summary>
    public static IServiceCollection AddShipRoomTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ShipRoomMetrics>();
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, ConfigurationKeys.TelemetrySection);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ShipRoom"))
            .WithMetrics(metrics => metrics
                .AddMeter(ShipRoomMetrics.MeterName, RuntimeMeter)
                .AddPrometheusExporter(options =>
                {
                    // Series keep the names and labels /metrics has always had (no otel_scope_* labels), and every
                    // scrape reads the current values.
                    options.ScopeInfoEnabled = false;
                    options.ScrapeResponseCacheDurationMilliseconds = 0;
                }));

        var options = configuration.GetSection(ConfigurationKeys.TelemetrySection).Get<TelemetryOptions>() ?? new TelemetryOptions();
        // An invalid endpoint is reported by TelemetryOptionsValidator at start-up; here it just leaves tracing off.
        if (Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            var grpc = options.UsesGrpc;
            telemetry.WithTracing(tracing => tracing
                .AddSource(RolloutTracing.SourceName)
                // A command or poll asked for over HTTP or from a circuit runs inside that request's activity: record
                // the request too, so the span has its real parent (scrapes, probes of health and assets are left out).
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsPlumbing(context.Request.Path))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    // Over HTTP the exporter posts to the address as given, so the signal's path is added as the
                    // OTEL_EXPORTER_OTLP_ENDPOINT convention does.
                    otlp.Endpoint = grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/v1/traces");
                }));
        }

        return services;
    }

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/ready") ||
        path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content") || Path.HasExtension(path.Value);
}
