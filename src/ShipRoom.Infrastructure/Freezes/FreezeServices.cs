using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Freezes;

public static class FreezeServices
{
    /// <summary>Infra locks and change freezes recorded from the rollouts' states, and freezes people declare: asked before a start and by deploy tools.</summary>
    public static IServiceCollection AddFreezes(this IServiceCollection services)
    {
        services.AddSingleton<FreezeService>();
        services.AddSingleton<DeclaredFreezeService>();
        return services;
    }
}
