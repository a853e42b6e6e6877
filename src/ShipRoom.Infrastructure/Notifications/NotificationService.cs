using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Logging;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// The #ship-room outbox. <see cref="QueueDueAsync(CancellationToken)"/> finds what each rollout is due to post and
/// queues it once per channel; <see cref="SendDueAsync"/> sends what is queued, retrying failures with backoff. Both
/// run in the background job, so a slow or broken chat service never delays a command or a poll.
/// </summary>
public sealed class NotificationService(
    IRolloutRepository rollouts,
    IDecisionRepository decisions,
    IPhaseSummaryRepository summaries,
    INotificationRepository outbox,
    SnapshotBuilder snapshots,
    SnapshotRefresher refresher,
    PlanCache plans,
    PostTemplateService templates,
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    Telemetry.RolloutMetrics metrics,
    TimeProvider time,
    ILogger<NotificationService> logger)
{
    public const string HttpClientName = "notifications";
    private const int SendBatch = 25;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReuseSnapshotFor = TimeSpan.FromSeconds(20);

    private NotificationOptions Options => options.Value;

    /// <summary>The channels posts go to, as configured.</summary>
    public IReadOnlyList<string> Channels
    {
        get
        {
            var channels = new List<string>();
            if (Options.Slack.Enabled)
            {
                channels.Add(ChannelNames.Slack);
            }

            if (Options.Teams.Enabled)
            {
                channels.Add(ChannelNames.Teams);
            }

            if (Options.Webhook.Enabled)
            {
                channels.Add(ChannelNames.Webhook);
            }

            return channels;
        }
    }

    /// <summary>Queues then sends: what the background job runs.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Channels.Count == 0)
        {
            return;
        }

        await QueueDueAsync(cancellationToken);
        await SendDueAsync(cancellationToken);
    }

    public async Task<int> QueueDueAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        var wallNow = time.GetUtcNow();
        foreach (var rollout in await rollouts.ListAsync(cancellationToken))
        {
            if (!Worth(rollout, wallNow))
            {
                continue;
            }

            try
            {
                queued += await QueueDueAsync(rollout, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Finding the posts due for rollout {RolloutId} failed", rollout.Id);
            }
        }

        return queued;
    }

    /// <summary>Live rollouts, scheduled ones within two hours of T-0, and ones that changed within the look-back.</summary>
    private bool Worth(RolloutRecord rollout, DateTimeOffset wallNow) =>
        RolloutStateMachine.IsLive(rollout.Status)
        || wallNow - rollout.UpdatedAt <= TimeSpan.FromMinutes(Options.LookBackMinutes)
        || (rollout.Status == RolloutStatus.Scheduled && rollout.T0 is { } t0 && RolloutClock.Now(rollout, wallNow) >= t0.AddHours(-2) && RolloutClock.Now(rollout, wallNow) <= t0.AddHours(1));

    private async Task<int> QueueDueAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var channels = Channels;
        if (channels.Count == 0)
        {
            return 0;
        }

        var wallNow = time.GetUtcNow();
        // The snapshot the last poll or command built is reused while it is current: looking for due posts every few
        // seconds must not rebuild (and re-read the samples of) every live rollout each time.
        var snapshot = snapshots.LastBuilt(rollout.Id) is { } last && last.Version == rollout.Version && wallNow - last.BuiltAt < ReuseSnapshotFor
            ? last
            : await snapshots.BuildAsync(rollout, cancellationToken);
        var plan = plans.Get(rollout);
        var events = NotificationPlanner.DueEvents(snapshot, plan, await decisions.ListAsync(rollout.Id, 50, cancellationToken),
            await summaries.ListAsync(rollout.Id, cancellationToken), wallNow, TimeSpan.FromMinutes(Options.LookBackMinutes));
        if (events.Count == 0)
        {
            return 0;
        }

        var known = (await outbox.ListAsync(rollout.Id, 1000, cancellationToken)).Select(n => (n.EventKey, n.Channel)).ToHashSet();
        var queued = 0;
        foreach (var e in events)
        {
            var missing = channels.Where(c => !known.Contains((e.EventKey, c))).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var post = PostComposer.Compose(e, snapshot, plan, await templates.TemplateForAsync(e.Kind, cancellationToken), Options.DashboardUrl);
            foreach (var channel in missing)
            {
                if (await outbox.EnqueueAsync(new NotificationDraft(rollout.Id, e.EventKey, channel, e.Kind, post.Title, ChannelPayloads.For(channel, post), wallNow), cancellationToken))
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

    /// <summary>
    /// The cadence report as it would be posted now, from the rollout's current snapshot: for reading or pasting where no
    /// channel is configured, and for checking a template's wording.
    /// </summary>
    public async Task<ShipRoomPost?> CurrentReportAsync(long rolloutId, CancellationToken cancellationToken)
    {
        if (await rollouts.GetAsync(rolloutId, cancellationToken) is not { } rollout)
        {
            return null;
        }

        var snapshot = await snapshots.BuildAsync(rollout, cancellationToken);
        return PostComposer.Compose(new PostEvent(Core.Notifications.PostKinds.CadenceReport, $"preview:{rolloutId}"), snapshot, plans.Get(rollout),
            await templates.TemplateForAsync(Core.Notifications.PostKinds.CadenceReport, cancellationToken), Options.DashboardUrl);
    }

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
        var (ok, permanent, error) = await SendAsync(notification, cancellationToken);
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

    private async Task<(bool Ok, bool Permanent, string? Error)> SendAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        var url = notification.Channel switch
        {
            ChannelNames.Slack => Options.Slack.WebhookUrl,
            ChannelNames.Teams => Options.Teams.WebhookUrl,
            _ => Options.Webhook.Url,
        };
        if (string.IsNullOrWhiteSpace(url))
        {
            return (false, true, $"the {notification.Channel} channel is no longer configured");
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(notification.Payload, Encoding.UTF8, "application/json") };
            if (notification.Channel == ChannelNames.Webhook)
            {
                request.Headers.Add("X-ShipRoom-Event", notification.EventKey);
                if (Options.Webhook.Secret is { Length: > 0 } secret)
                {
                    request.Headers.Add(WebhookDeployExecutor.SignatureHeader, "sha256=" + WebhookDeployExecutor.Sign(notification.Payload, secret));
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (true, false, null);
            }

            // A 4xx other than 429 means the address or payload is wrong: retrying cannot help.
            var permanent = status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests;
            return (false, permanent, $"{notification.Channel} answered HTTP {status}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The address is a secret: the message is scrubbed and never includes it.
            var message = PiiScrubber.Scrub(exception.Message.Replace(url, "[channel address]", StringComparison.Ordinal));
            return (false, false, exception is HttpRequestException ? $"{notification.Channel} unreachable: {message}" : $"{notification.Channel} did not answer within {Options.TimeoutSeconds}s");
        }
    }
}
