using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// Queues what each rollout is due to post, once per event key and channel: the outbox's unique key makes a second
/// look (after a restart, on another instance) queue nothing twice.
/// </summary>
public sealed class PostQueue(
    IRolloutRepository rollouts,
    DuePosts due,
    INotificationRepository outbox,
    NotificationChannels channels,
    SnapshotRefresher refresher,
    TimeProvider time,
    ILogger<PostQueue> logger)
{
    public Task<int> QueueDueAsync(CancellationToken cancellationToken) =>
        RolloutSweep.SumAsync(rollouts, due.WorthLooking, QueueDueAsync, logger, "Finding the posts due", cancellationToken);

    private async Task<int> QueueDueAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var configured = channels.Configured;
        if (configured.Count == 0)
        {
            return 0;
        }

        var set = await due.FindAsync(rollout, cancellationToken);
        if (set.Events.Count == 0)
        {
            return 0;
        }

        var known = (await outbox.ListAsync(rollout.Id, 1000, cancellationToken)).Select(n => (n.EventKey, n.Channel)).ToHashSet();
        var queued = 0;
        foreach (var e in set.Events)
        {
            var missing = configured.Where(c => !known.Contains((e.EventKey, c))).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var post = await due.ComposeAsync(e, set, cancellationToken);
            foreach (var channel in missing)
            {
                if (await outbox.EnqueueAsync(new NotificationDraft(rollout.Id, e.EventKey, channel, e.Kind, post.Title, ChannelPayloads.For(channel, post), time.GetUtcNow()), cancellationToken))
                {
                    queued++;
                }
            }
        }

        if (queued > 0)
        {
            await refresher.RefreshAsync(rollout.Id, cancellationToken);
        }

        return queued;
    }
}
