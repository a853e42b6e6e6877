using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Demo;

public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration, ConfigurationKeys.DemoSection);
        services.AddSingleton<DemoRolloutKeeper>();
        return services;
    }
}
