using Quartz;
using ShipRoom.Infrastructure.Notifications;

namespace ShipRoom.Infrastructure.Scheduling;

/// <summary>
/// The #ship-room job: queues the posts that are due (cadence reports, T-2h/T-1h, decisions, triggers, gate results)
/// and sends what is queued, retrying failures. With the clustered store it runs on one instance at a time.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NotificationJob(NotificationChannels channels, PostQueue queue, PostDelivery delivery) : IJob
{
    public static readonly JobKey Key = new("ship-room-posts", "shiproom");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!channels.Any)
        {
            return;
        }

        await queue.QueueDueAsync(cancellationToken);
        await delivery.SendDueAsync(cancellationToken);
    }
}
