using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Probes;

public static class ProbeServices
{
    public static IServiceCollection AddProbes(this IServiceCollection services)
    {
        services.AddHttpClient(HttpProbeRunner.HttpClientName);
        services.AddSingleton<HttpProbeRunner>();
        services.AddSingleton<ProbeRecorder>();
        services.AddSingleton<ProbeService>();
        return services;
    }
}
