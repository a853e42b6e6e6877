using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Deploy;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>Calls the deploy executor; whatever it throws comes back as a failed result with the reason, never as a crash of the command.</summary>
public sealed class DeployRunner(IDeployExecutor executor, IOptions<DeployOptions> options, ILogger<DeployRunner> logger)
{
    public string Name => executor.Name;

    /// <summary>
    /// The longest one deploy call can take with its timeouts and retries (with room for back-off): a command still
    /// Pending after twice this was left half-done by an instance that stopped.
    /// </summary>
    public TimeSpan LongestCall => TimeSpan.FromSeconds((options.Value.TimeoutSeconds * (options.Value.Retries + 1) * 2) + 10);

    /// <summary>No deploy system is configured: commands are recorded, and carried out by runbook.</summary>
    public bool RecordsOnly => executor.RecordsOnly;

    public async Task<ExecutorResult> RunAsync(DeployAction action, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Deploy, action.RolloutId);
        try
        {
            return await executor.ExecuteAsync(action, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Deploy executor {Executor} threw for {Action} on rollout {RolloutId}", executor.Name, action.Action, action.RolloutId);
            return ExecutorResult.Failed($"{exception.GetType().Name}: {exception.Message}");
        }
    }
}
