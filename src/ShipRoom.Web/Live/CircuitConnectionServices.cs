using Microsoft.AspNetCore.Components.Server.Circuits;
using ShipRoom.Web.Telemetry;

namespace ShipRoom.Web.Live;

public static class CircuitConnectionServices
{
    /// <summary>One <see cref="CircuitConnection"/> per circuit, which Blazor also calls as a circuit handler, and the instance's <see cref="OpenCircuits"/>.</summary>
    public static IServiceCollection AddCircuitConnections(this IServiceCollection services)
    {
        services.AddSingleton<OpenCircuits>();
        services.AddScoped<CircuitConnection>();
        services.AddScoped<CircuitHandler>(provider => provider.GetRequiredService<CircuitConnection>());
        return services;
    }
}
