using Quartz;
using ShipRoom.Infrastructure.Demo;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>
/// Every scheduler tick: poll the rollouts whose poll is due (each on its plan's pollEvery). Thin on purpose: the
/// poller is what tests call. In a PostgreSQL cluster Quartz fires each tick on one instance only.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PollDueRolloutsJob(RolloutPoller poller) : IJob
{
    public static readonly JobKey Key = new("poll-due-rollouts", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await poller.PollDueAsync(cancellationToken);
}

/// <summary>Keeps the demo rollout alive (when the demo is enabled).</summary>
[DisallowConcurrentExecution]
public sealed class DemoKeeperJob(DemoRolloutKeeper keeper) : IJob
{
    public static readonly JobKey Key = new("demo-keeper", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await keeper.EnsureAsync(cancellationToken);
}
