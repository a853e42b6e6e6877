using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// ShipRoom:Notifications: where #ship-room posts go. Set by an administrator in configuration only; the webhook
/// addresses are secrets (they carry the channel's token), so they are never shown, logged or put in a post.
/// </summary>
public sealed class NotificationOptions
{
    public const string SectionName = "ShipRoom:Notifications";

    public ChannelAddress Slack { get; set; } = new();

    public ChannelAddress Teams { get; set; } = new();

    public GenericWebhook Webhook { get; set; } = new();

    /// <summary>The address people open the dashboard at, e.g. https://shiproom.example.com; posts link to the rollout under it.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Attempts per post before it is marked failed (a failed post stays on the dashboard).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often queued posts are sent and due posts (reports, T-2h, gate results) are looked for.</summary>
    public int DispatchEverySeconds { get; set; } = 10;

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Decisions and summaries older than this when first seen are not posted (switching posts on does not replay history).</summary>
    public int LookBackMinutes { get; set; } = 60;

    public sealed class ChannelAddress
    {
        public string? WebhookUrl { get; set; }

        public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);
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
        var problems = new List<string>();
        CheckUrl(problems, "Slack:WebhookUrl", options.Slack.WebhookUrl);
        CheckUrl(problems, "Teams:WebhookUrl", options.Teams.WebhookUrl);
        CheckUrl(problems, "Webhook:Url", options.Webhook.Url);
        CheckUrl(problems, "DashboardUrl", options.DashboardUrl);
        if (options.Webhook.Secret is { Length: > 0 and < 16 })
        {
            problems.Add($"{NotificationOptions.SectionName}:Webhook:Secret must be 16 characters or more (or left out for unsigned posts).");
        }

        if (options.MaxAttempts is < 1 or > 50)
        {
            problems.Add($"{NotificationOptions.SectionName}:MaxAttempts must be between 1 and 50, was {options.MaxAttempts}.");
        }

        if (options.DispatchEverySeconds is < 1 or > 300)
        {
            problems.Add($"{NotificationOptions.SectionName}:DispatchEverySeconds must be between 1 and 300, was {options.DispatchEverySeconds}.");
        }

        if (options.TimeoutSeconds is < 1 or > 120)
        {
            problems.Add($"{NotificationOptions.SectionName}:TimeoutSeconds must be between 1 and 120, was {options.TimeoutSeconds}.");
        }

        if (options.LookBackMinutes is < 1 or > 10_080)
        {
            problems.Add($"{NotificationOptions.SectionName}:LookBackMinutes must be between 1 and 10080, was {options.LookBackMinutes}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckUrl(List<string> problems, string key, string? url)
    {
        if (!string.IsNullOrWhiteSpace(url) && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            // The value itself is not repeated: a webhook address is a secret.
            problems.Add($"{NotificationOptions.SectionName}:{key} must be an absolute http(s) address (e.g. https://hooks.slack.com/services/…).");
        }
    }
}
