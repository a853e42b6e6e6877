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
        services.AddSingleton<DeferredRollbacks>();
        services.AddHostedService<DeferredRollbackFlusher>();
        services.AddSingleton<RolloutCommandService>();
        services.AddSingleton<ExecutionReports>();
        services.AddSingleton<RolloutService>();
        services.AddSingleton<ChecklistService>();
        services.AddSingleton<PhaseSummaryService>();
        services.AddSingleton<RosterService>();
        return services;
    }
}
