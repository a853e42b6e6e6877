using Quartz;
using ShipRoom.Infrastructure.Probes;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>Runs the synthetic probes of live rollouts that are due (every 60 seconds by default).</summary>
[DisallowConcurrentExecution]
public sealed class ProbeJob(ProbeService probes) : IJob
{
    public static readonly JobKey Key = new("run-probes", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await probes.RunDueAsync(cancellationToken);
}
