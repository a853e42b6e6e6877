using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// ShipRoom:Notifications: where #ship-room posts go. Set by an administrator in configuration only; the webhook
/// addresses are secrets (they carry the channel's token), so they are never shown, logged or put in a post.
/// </summary>
public sealed class NotificationOptions
{
    public const string SectionName = ConfigurationKeys.NotificationsSection;

    public SlackChannel Slack { get; set; } = new();

    public TeamsChannel Teams { get; set; } = new();

    public GenericWebhook Webhook { get; set; } = new();

    /// <summary>Paging through PagerDuty Events API v2: on RED, on every automatic hold or rollback; resolved when it clears.</summary>
    public PagerDutyOptions PagerDuty { get; set; } = new();

    /// <summary>Paging through any other tool: the same pages as a plain JSON document, signed when a secret is set.</summary>
    public GenericWebhook PagingWebhook { get; set; } = new();

    /// <summary>The address people open the dashboard at, e.g. https://shiproom.example.com; posts link to the rollout under it.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Attempts per post before it is marked failed (a failed post stays on the dashboard).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often queued posts are sent and due posts (reports, T-2h, gate results) are looked for.</summary>
    public int DispatchEverySeconds { get; set; } = 10;

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Decisions and summaries older than this when first seen are not posted (switching posts on does not replay history).</summary>
    public int LookBackMinutes { get; set; } = 60;

    /// <summary>
    /// Teams: posts go to a workflow webhook, or are sent by ShipRoom's Teams bot into a conversation; only cards the
    /// bot sent carry Hold / Roll back / Approve (Action.Execute), since Teams routes a click to the bot that sent the card.
    /// </summary>
    public sealed class TeamsChannel
    {
        public const string BotFrameworkMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
        public const string BotFrameworkTokenUrl = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";

        public string? WebhookUrl { get; set; }

        /// <summary>The Microsoft App ID of the Teams bot whose messaging endpoint is <c>/api/chat/teams/messages</c>.</summary>
        public string? BotAppId { get; set; }

        /// <summary>The bot's client secret, to get a Bot Connector token for sending. A secret: never shown, logged or stored.</summary>
        public string? BotAppPassword { get; set; }

        /// <summary>The Bot Connector service URL of the team (from an activity the bot received, e.g. https://smba.trafficmanager.net/amer/).</summary>
        public string? ServiceUrl { get; set; }

        /// <summary>The conversation (channel) the bot posts into, e.g. 19:…@thread.tacv2.</summary>
        public string? ConversationId { get; set; }

        /// <summary>Where the bot gets its Bot Connector token (client credentials); Microsoft's own unless set.</summary>
        public string TokenUrl { get; set; } = BotFrameworkTokenUrl;

        /// <summary>Where the Bot Framework's signing keys are published (its own unless set: a proxy, a sovereign cloud, a test).</summary>
        public string OpenIdMetadataUrl { get; set; } = BotFrameworkMetadataUrl;

        /// <summary>ShipRoom's bot sends the cards (everything it needs is set).</summary>
        public bool PostsAsBot => new[] { BotAppId, BotAppPassword, ServiceUrl, ConversationId }.All(v => !string.IsNullOrWhiteSpace(v));

        public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl) || PostsAsBot;

        /// <summary>Cards carry Action.Execute buttons and clicks are taken: only when the bot sends them.</summary>
        public bool Interactive => PostsAsBot;

        /// <summary>The Bot Connector address the bot sends a card to.</summary>
        public string ActivitiesUrl => $"{ServiceUrl!.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(ConversationId!)}/activities";
    }

    /// <summary>Slack: the incoming webhook posts go to and, with a signing secret, Hold / Roll back / Approve buttons on them.</summary>
    public sealed class SlackChannel
    {
        public const string DefaultResponseUrlPrefix = "https://hooks.slack.com/";

        public string? WebhookUrl { get; set; }

        /// <summary>The Slack app's signing secret: button clicks are verified with it (v0 HMAC-SHA256). A secret: never shown or logged.</summary>
        public string? SigningSecret { get; set; }

        /// <summary>Outcomes are posted only to a click's response_url under this address (Slack's own unless set).</summary>
        public string ResponseUrlPrefix { get; set; } = DefaultResponseUrlPrefix;

        public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);

        /// <summary>Posts carry Hold / Roll back / Approve buttons and clicks are taken.</summary>
        public bool Interactive => !string.IsNullOrWhiteSpace(SigningSecret);
    }

    public sealed class PagerDutyOptions
    {
        public const string DefaultEventsUrl = "https://events.pagerduty.com/v2/enqueue";

        /// <summary>The Events API v2 integration (routing) key of the service to page. A secret: never shown, logged or stored.</summary>
        public string? RoutingKey { get; set; }

        /// <summary>Where events are sent; PagerDuty's own unless set (a test receiver, an EU account, a proxy).</summary>
        public string EventsUrl { get; set; } = DefaultEventsUrl;

        /// <summary>
        /// The signing secret of a PagerDuty V3 webhook subscription pointed at <c>/api/paging/pagerduty</c>: with it,
        /// acknowledgements and resolutions of ShipRoom's pages show on the dashboard. A secret: never shown or logged.
        /// </summary>
        public string? WebhookSecret { get; set; }

        public bool Enabled => !string.IsNullOrWhiteSpace(RoutingKey);

        public bool TakesWebhooks => !string.IsNullOrWhiteSpace(WebhookSecret);
    }

    public sealed class GenericWebhook
    {
        public string? Url { get; set; }

        /// <summary>Optional: signs each body (HMAC-SHA256, header X-ShipRoom-Signature: sha256=…).</summary>
        public string? Secret { get; set; }

        public bool Enabled => !string.IsNullOrWhiteSpace(Url);
    }
}

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.NotificationsSection);
        problems.HttpAddress("Slack:WebhookUrl", options.Slack.WebhookUrl, "https://hooks.slack.com/services/…");
        if (options.Slack.SigningSecret is { Length: > 0 and < 16 })
        {
            problems.Add($"{problems.Key("Slack:SigningSecret")} must be the Slack app's signing secret (16 characters or more).");
        }

        problems.HttpAddress("Slack:ResponseUrlPrefix", options.Slack.ResponseUrlPrefix, NotificationOptions.SlackChannel.DefaultResponseUrlPrefix);
        problems.HttpAddress("Teams:WebhookUrl", options.Teams.WebhookUrl, "https://….webhook.office.com/…");
        problems.HttpAddress("Teams:OpenIdMetadataUrl", options.Teams.OpenIdMetadataUrl, NotificationOptions.TeamsChannel.BotFrameworkMetadataUrl);
        if (options.Teams.BotAppId is { Length: > 0 } appId && !Guid.TryParse(appId, out _))
        {
            problems.Add($"{problems.Key("Teams:BotAppId")} must be the bot's Microsoft App ID (a GUID, e.g. 00000000-0000-0000-0000-000000000000).");
        }

        problems.HttpAddress("Teams:ServiceUrl", options.Teams.ServiceUrl, "https://smba.trafficmanager.net/amer/");
        problems.HttpAddress("Teams:TokenUrl", options.Teams.TokenUrl, NotificationOptions.TeamsChannel.BotFrameworkTokenUrl);
        var bot = new (string Key, string? Value)[] { ("Teams:BotAppId", options.Teams.BotAppId), ("Teams:BotAppPassword", options.Teams.BotAppPassword), ("Teams:ServiceUrl", options.Teams.ServiceUrl), ("Teams:ConversationId", options.Teams.ConversationId) };
        if (bot.Any(b => !string.IsNullOrWhiteSpace(b.Value)) && bot.Any(b => string.IsNullOrWhiteSpace(b.Value)))
        {
            problems.Add($"the Teams bot needs all of {string.Join(", ", bot.Select(b => problems.Key(b.Key)))}; missing: {string.Join(", ", bot.Where(b => string.IsNullOrWhiteSpace(b.Value)).Select(b => problems.Key(b.Key)))}.");
        }
        problems.HttpAddress("Webhook:Url", options.Webhook.Url, "https://hooks.example.com/ship-room");
        problems.HttpAddress(nameof(options.DashboardUrl), options.DashboardUrl, "https://shiproom.example.com");
        problems.HttpAddress("PagingWebhook:Url", options.PagingWebhook.Url, "https://oncall.example.com/hooks/shiproom");
        if (options.PagingWebhook.Secret is { Length: > 0 and < 16 })
        {
            problems.Add($"{problems.Key("PagingWebhook:Secret")} must be 16 characters or more (or left out for unsigned pages).");
        }

        if (options.PagerDuty.WebhookSecret is { Length: > 0 and < 16 })
        {
            problems.Add($"{problems.Key("PagerDuty:WebhookSecret")} must be the V3 webhook subscription's signing secret (16 characters or more).");
        }

        if (options.PagerDuty.Enabled)
        {
            // The key itself is never repeated in the message: it is a secret.
            if (!System.Text.RegularExpressions.Regex.IsMatch(options.PagerDuty.RoutingKey!, "^[A-Za-z0-9]{20,64}$"))
            {
                problems.Add($"{problems.Key("PagerDuty:RoutingKey")} is not an Events API v2 routing key (the integration key: 32 letters and digits).");
            }

            if (string.IsNullOrWhiteSpace(options.PagerDuty.EventsUrl))
            {
                problems.Add($"{problems.Key("PagerDuty:EventsUrl")} is empty: leave it out for {NotificationOptions.PagerDutyOptions.DefaultEventsUrl}.");
            }
            else
            {
                problems.HttpAddress("PagerDuty:EventsUrl", options.PagerDuty.EventsUrl, NotificationOptions.PagerDutyOptions.DefaultEventsUrl);
            }
        }

        if (options.Webhook.Secret is { Length: > 0 and < 16 })
        {
            problems.Add($"{problems.Key("Webhook:Secret")} must be 16 characters or more (or left out for unsigned posts).");
        }

        problems.Range(nameof(options.MaxAttempts), options.MaxAttempts, 1, 50);
        problems.Range(nameof(options.DispatchEverySeconds), options.DispatchEverySeconds, 1, 300);
        problems.Range(nameof(options.TimeoutSeconds), options.TimeoutSeconds, 1, 120);
        problems.Range(nameof(options.LookBackMinutes), options.LookBackMinutes, 1, 10_080);
        return problems.Result;
    }
}
