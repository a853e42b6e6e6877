using Quartz;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>At start-up and every half minute: finishes commands a stopped instance left half-done (one instance of a cluster at a time).</summary>
[DisallowConcurrentExecution]
public sealed class ExecutionRecoveryJob(ExecutionRecovery recovery) : IJob
{
    public static readonly JobKey Key = new("execution-recovery", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await recovery.RecoverAsync(cancellationToken);
}
