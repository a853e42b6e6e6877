using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

public static class CommandServices
{
    /// <summary>Everything that changes a rollout: its commands, its creation, checklists, summaries and roster.</summary>
    public static IServiceCollection AddRolloutCommands(this IServiceCollection services)
    {
        services.AddSingleton<CommandLedger>();
        services.AddSingleton<CommandChecks>();
        services.AddSingleton<DeployRunner>();
        services.AddSingleton<OfflineRollback>();
        services.AddSingleton<ExecutionRecovery>();
        services.AddSingleton<UnsavedRollbacks>();
        services.AddSingleton<DeferredRollbacks>();
        services.AddHostedService<DeferredRollbackFlusher>();
        services.AddSingleton<Storage.StorageHeartbeat>();
        services.AddHostedService(provider => provider.GetRequiredService<Storage.StorageHeartbeat>());
        services.AddSingleton<RolloutCommandService>();
        services.AddSingleton<RolloutService>();
        services.AddSingleton<ChecklistService>();
        services.AddSingleton<PhaseSummaryService>();
        services.AddSingleton<RosterService>();
        services.AddSingleton<ExecutionCompletions>();
        services.AddSingleton<Deploy.CallbackSignature>();
        return services;
    }
}
