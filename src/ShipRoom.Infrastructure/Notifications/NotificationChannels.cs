using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>The chat channels an administrator configured, and the (secret) address each one posts to.</summary>
public sealed class NotificationChannels(IOptions<NotificationOptions> options)
{
    private NotificationOptions Options => options.Value;

    /// <summary>The channels posts go to, as configured.</summary>
    public IReadOnlyList<string> Configured
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

    /// <summary>The paging channels configured: PagerDuty and the generic paging webhook.</summary>
    public IReadOnlyList<string> Paging =>
        new[] { (Options.PagerDuty.Enabled, ChannelNames.PagerDuty), (Options.PagingWebhook.Enabled, ChannelNames.PagingWebhook) }.Where(c => c.Item1).Select(c => c.Item2).ToList();

    /// <summary>Something to send: a chat channel or a paging channel.</summary>
    public bool Any => Configured.Count > 0 || Paging.Count > 0;

    /// <summary>The address a channel posts to; null when it is no longer configured. A secret: never shown or logged.</summary>
    public string? AddressOf(string channel) => channel switch
    {
        ChannelNames.Slack => Options.Slack.WebhookUrl,
        ChannelNames.Teams => Options.Teams.PostsAsBot ? Options.Teams.ActivitiesUrl : Options.Teams.WebhookUrl,
        ChannelNames.PagerDuty => Options.PagerDuty.Enabled ? Options.PagerDuty.EventsUrl : null,
        ChannelNames.PagingWebhook => Options.PagingWebhook.Url,
        _ => Options.Webhook.Url,
    };
}
