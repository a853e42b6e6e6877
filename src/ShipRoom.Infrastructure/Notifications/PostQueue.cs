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
    Microsoft.Extensions.Options.IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<PostQueue> logger)
{
    public Task<int> QueueDueAsync(CancellationToken cancellationToken) =>
        RolloutSweep.SumAsync(rollouts, due.WorthLooking, QueueDueAsync, logger, "Finding the posts due", cancellationToken);

    private async Task<int> QueueDueAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var configured = channels.Configured;
        var paging = channels.Paging;
        if (configured.Count == 0 && paging.Count == 0)
        {
            return 0;
        }

        var set = await due.FindAsync(rollout, cancellationToken);
        if (set.Events.Count == 0 && paging.Count == 0)
        {
            return 0;
        }

        var records = await outbox.ListAsync(rollout.Id, 1000, cancellationToken);
        var known = records.Select(n => (n.EventKey, n.Channel)).ToHashSet();
        var queued = 0;
        foreach (var e in configured.Count == 0 ? Array.Empty<PostEvent>() : set.Events)
        {
            var missing = configured.Where(c => !known.Contains((e.EventKey, c))).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var post = await due.ComposeAsync(e, set, cancellationToken);
            foreach (var channel in missing)
            {
                if (await outbox.EnqueueAsync(new NotificationDraft(rollout.Id, e.EventKey, channel, e.Kind, post.Title, ChannelPayloads.For(channel, post, options.Value.Slack.Interactive, options.Value.Teams.Interactive), time.GetUtcNow()), cancellationToken))
                {
                    queued++;
                }
            }
        }

        queued += await QueuePagesAsync(set, paging, records, cancellationToken);
        if (queued > 0)
        {
            await refresher.RefreshAsync(rollout.Id, cancellationToken);
        }

        return queued;
    }

    /// <summary>Pages (trigger and resolve) for every paging channel, once per event key and channel like the posts.</summary>
    private async Task<int> QueuePagesAsync(DueSet set, IReadOnlyList<string> paging, IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var channel in paging)
        {
            var sent = records.Where(n => n.Channel == channel && PagePlanner.IsPageKey(n.EventKey)).Select(n => n.EventKey).ToHashSet(StringComparer.Ordinal);
            var now = time.GetUtcNow();
            foreach (var page in set.PagesDue(sent, now, TimeSpan.FromMinutes(options.Value.LookBackMinutes)))
            {
                var title = $"Page {page.Action}: {page.Summary}";
                if (await outbox.EnqueueAsync(new NotificationDraft(page.RolloutId, page.EventKey, channel, $"page-{page.Action}", title.Length <= 300 ? title : title[..299] + "…",
                        PagePayloads.For(channel, page, options.Value.DashboardUrl, now), now), cancellationToken))
                {
                    queued++;
                }
            }
        }

        return queued;
    }
}
