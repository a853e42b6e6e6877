using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Rollouts.Signals;

public static class SignalServices
{
    /// <summary>External signals (P0/P1 opened, PII risk) raised against a rollout through the API.</summary>
    public static IServiceCollection AddSignals(this IServiceCollection services) => services.AddSingleton<SignalService>();
}
