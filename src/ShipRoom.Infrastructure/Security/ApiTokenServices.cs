using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Security;

public static class ApiTokenServices
{
    public static IServiceCollection AddApiTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiTokenOptions, ApiTokenOptionsValidator>(configuration, ConfigurationKeys.ApiTokensSection);
        services.AddSingleton<ValidatedTokens>();
        services.AddSingleton<TokenRevocationBroadcast>();
        services.AddSingleton<ApiTokenService>();
        return services;
    }
}
