using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// Sends queued posts that are due, one claim (lease) per post so two instances never send the same one, retrying
/// failures with backoff and marking each SENT, RETRYING or FAILED for the dashboard.
/// </summary>
public sealed class PostDelivery(
    INotificationRepository outbox,
    ChannelSender sender,
    SnapshotRefresher refresher,
    IOptions<NotificationOptions> options,
    Telemetry.RolloutMetrics metrics,
    TimeProvider time,
    ILogger<PostDelivery> logger)
{
    private const int SendBatch = 25;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    private NotificationOptions Options => options.Value;

    /// <summary>Sends queued posts that are due; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        var touched = new HashSet<long>();
        foreach (var notification in await outbox.ListDueAsync(time.GetUtcNow(), SendBatch, cancellationToken))
        {
            var lease = time.GetUtcNow() + TimeSpan.FromSeconds(Options.TimeoutSeconds * 3);
            if (!await outbox.TryClaimAsync(notification.Id, notification.Attempts, lease, cancellationToken))
            {
                continue;
            }

            try
            {
                delivered += await DeliverAsync(notification, cancellationToken) ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage failed around one post: the others still go; this one is retried when its lease ends.
                logger.LogError(exception, "Recording the delivery of post {EventKey} to {Channel} failed", notification.EventKey, notification.Channel);
            }

            if (notification.RolloutId is { } rolloutId)
            {
                touched.Add(rolloutId);
            }
        }

        foreach (var rolloutId in touched)
        {
            try
            {
                await refresher.RefreshAsync(rolloutId, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Showing post delivery on rollout {RolloutId}'s dashboard failed; the next change shows it", rolloutId);
            }
        }

        return delivered;
    }

    private async Task<bool> DeliverAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        var attempt = notification.Attempts + 1;
        var (ok, permanent, error) = await sender.SendAsync(notification, cancellationToken);
        metrics.Posts.Add(1, new KeyValuePair<string, object?>("channel", notification.Channel), new KeyValuePair<string, object?>("result", ok ? "sent" : permanent || attempt >= Options.MaxAttempts ? "failed" : "retry"));
        if (ok)
        {
            // The channel has it: a lost "sent" mark would post it again when the lease ends, so try a little harder.
            for (var tries = 1; ; tries++)
            {
                try
                {
                    await outbox.MarkSentAsync(notification.Id, time.GetUtcNow(), cancellationToken);
                    break;
                }
                catch (Exception) when (tries < 3 && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * tries), cancellationToken);
                }
            }
        }
        else if (permanent || attempt >= Options.MaxAttempts)
        {
            await outbox.MarkFailedAsync(notification.Id, $"{error} (gave up after {attempt} attempt(s))", cancellationToken);
            logger.LogWarning("Post {EventKey} to {Channel} failed for good after {Attempts} attempt(s): {Error}", notification.EventKey, notification.Channel, attempt, error);
        }
        else
        {
            await outbox.MarkRetryAsync(notification.Id, error!, time.GetUtcNow() + Backoff(attempt), cancellationToken);
        }

        return ok;
    }

    /// <summary>5 s, 10 s, 20 s … capped at 10 minutes.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, TimeSpan.FromSeconds(5).Ticks << Math.Min(attempt - 1, 16)));
}
