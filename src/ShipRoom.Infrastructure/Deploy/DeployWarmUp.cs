using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// At start-up, readies the deploy webhook's path (<see cref="WebhookDeployExecutor.WarmUpAsync"/>), so that the first
/// rollback after a restart is not the slow one. Beside the start-up, never in its way: a warm-up that fails is logged
/// and the first real call pays the cost instead.
/// </summary>
public sealed class DeployWarmUp(IDeployExecutor executor, ILogger<DeployWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (executor is not WebhookDeployExecutor webhook)
        {
            return;
        }

        try
        {
            logger.LogDebug("Deploy webhook path readied: {Outcome}", await webhook.WarmUpAsync(stoppingToken));
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Deploy webhook path not readied at start-up ({Error}); the first call sets it up instead", exception.GetType().Name + ": " + exception.Message);
        }
    }
}
