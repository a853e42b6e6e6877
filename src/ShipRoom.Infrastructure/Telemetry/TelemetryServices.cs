using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Telemetry;

public static class TelemetryServices
{
    public static IServiceCollection AddRolloutTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<RolloutMetrics>();
        return services;
    }
}
