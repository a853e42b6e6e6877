using Quartz;
using ShipRoom.Infrastructure.Reports;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>Drafts the postmortem a rollback or a failed gate calls for, within 30 s of it (one per rollout, whatever the instance).</summary>
[DisallowConcurrentExecution]
public sealed class PostmortemJob(PostmortemService postmortems) : IJob
{
    public static readonly JobKey Key = new("postmortem-drafts", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await postmortems.DraftDueAsync(cancellationToken);
}
