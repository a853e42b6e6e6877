using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Security;

public static class ApiTokenServices
{
    public static IServiceCollection AddApiTokens(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenService>();
        return services;
    }
}
