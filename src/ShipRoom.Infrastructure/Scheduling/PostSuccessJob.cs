using Quartz;
using ShipRoom.Infrastructure.PostSuccess;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>Carries out the post-success steps of completed rollouts within 30 s of completion (and the cohort review when due), once whatever the instance.</summary>
[DisallowConcurrentExecution]
public sealed class PostSuccessJob(PostSuccessService postSuccess) : IJob
{
    public static readonly JobKey Key = new("post-success", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await postSuccess.RunDueAsync(cancellationToken);
}
