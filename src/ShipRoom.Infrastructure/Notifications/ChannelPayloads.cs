using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>The channel names stored with each queued post.</summary>
public static class ChannelNames
{
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Webhook = "webhook";

    /// <summary>Pages (not posts): PagerDuty Events API v2.</summary>
    public const string PagerDuty = "pagerduty";

    /// <summary>Pages (not posts): a generic paging webhook (Opsgenie, an on-call bot, …).</summary>
    public const string PagingWebhook = "paging-webhook";
}

/// <summary>
/// Shapes a post for each channel: a Slack Block Kit message, a Teams Adaptive Card for a workflow webhook, and a plain
/// JSON document for anything else. Text from people is escaped for each channel's markup.
/// </summary>
public static partial class ChannelPayloads
{
    private const int SlackHeaderMax = 150;
    private const int SlackSectionMax = 3000;

    /// <summary>The buttons on chat posts: Slack Block Kit action ids (value: the rollout id) and Teams Action.Execute verbs (data.rolloutId).</summary>
    public static class ChatButtons
    {
        public const string Hold = "shiproom_hold";
        public const string RollBack = "shiproom_rollback";
        public const string Approve = "shiproom_approve";
    }

    public static string For(string channel, ShipRoomPost post, bool slackButtons = false, bool teamsButtons = false) => channel switch
    {
        ChannelNames.Slack => Slack(post, slackButtons),
        ChannelNames.Teams => Teams(post, teamsButtons),
        _ => Webhook(post),
    };

    public static string Slack(ShipRoomPost post, bool buttons = false)
    {
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip($"{SeverityMark(post.Severity)} {post.Title}", SlackHeaderMax), ["emoji"] = true },
            },
        };
        if (post.Mention is { } handle)
        {
            blocks.Add(Section($"{SlackMention(handle)} {SlackEscape(post.MentionReason ?? "needs your attention")}"));
        }

        // Slack caps a section's text; a long report is split over several sections rather than cut.
        foreach (var chunk in Chunks(SlackEscape(post.Body), SlackSectionMax))
        {
            blocks.Add(Section(chunk));
        }

        if (post.DashboardUrl is { } url)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray
                {
                    new JsonObject { ["type"] = "button", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Open dashboard" }, ["url"] = url },
                },
            });
        }

        if (buttons)
        {
            // Clicks come back to /api/chat/slack/interactions, signed by Slack; ShipRoom checks who clicked and their role.
            var id = post.RolloutId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "shiproom_commands",
                ["elements"] = new JsonArray
                {
                    SlackButton(ChatButtons.Hold, "Hold", id, null),
                    SlackButton(ChatButtons.RollBack, "Roll back", id, "danger"),
                    SlackButton(ChatButtons.Approve, "Approve", id, "primary"),
                },
            });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = SlackEscape($"ShipRoom · {post.Kind} · {post.At:yyyy-MM-dd HH:mm} UTC") } },
        });
        var message = new JsonObject
        {
            ["text"] = (post.Mention is { } h ? SlackMention(h) + " " : "") + SlackEscape(post.Title),
            ["blocks"] = blocks,
        };
        return message.ToJsonString();
    }

    public static string Teams(ShipRoomPost post, bool buttons = false)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock", ["text"] = TeamsEscape(post.Title), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true,
                ["color"] = post.Severity switch { PostSeverity.Critical => "Attention", PostSeverity.Warning => "Warning", PostSeverity.Good => "Good", _ => "Default" },
            },
        };
        var entities = new JsonArray();
        if (post.Mention is { } handle)
        {
            var name = handle.Trim().TrimStart('@');
            if (TeamsUser().IsMatch(name))
            {
                // Teams resolves a mention by the person's sign-in name (UPN) or Entra object id.
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = $"<at>{TeamsEscape(name)}</at> {TeamsEscape(post.MentionReason ?? "needs your attention")}", ["wrap"] = true });
                entities.Add(new JsonObject
                {
                    ["type"] = "mention",
                    ["text"] = $"<at>{TeamsEscape(name)}</at>",
                    ["mentioned"] = new JsonObject { ["id"] = name, ["name"] = name },
                });
            }
            else
            {
                // Any other handle (a Slack member id) would make Teams refuse the card: it is written as text.
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = $"@{TeamsEscape(name)} {TeamsEscape(post.MentionReason ?? "needs your attention")}", ["wrap"] = true, ["weight"] = "Bolder" });
            }
        }

        foreach (var line in post.Body.Split('\n'))
        {
            if (line.Length > 0)
            {
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = TeamsEscape(line), ["wrap"] = true, ["spacing"] = "None" });
            }
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            ["msteams"] = new JsonObject { ["width"] = "Full", ["entities"] = entities },
        };
        var actions = new JsonArray();
        if (buttons)
        {
            // Clicks go to the bot's messaging endpoint (/api/chat/teams/messages) as Bot Framework invoke activities.
            var id = post.RolloutId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            actions.Add(TeamsButton(ChatButtons.Hold, "Hold", id, "default"));
            actions.Add(TeamsButton(ChatButtons.RollBack, "Roll back", id, "destructive"));
            actions.Add(TeamsButton(ChatButtons.Approve, "Approve", id, "positive"));
        }

        if (post.DashboardUrl is { } url)
        {
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open dashboard", ["url"] = url });
        }

        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        }.ToJsonString();
    }

    public static string Webhook(ShipRoomPost post) => JsonSerializer.Serialize(new
    {
        source = "shiproom",
        kind = post.Kind,
        eventKey = post.EventKey,
        rolloutId = post.RolloutId,
        severity = post.Severity.ToString().ToLowerInvariant(),
        title = post.Title,
        text = post.Body,
        lines = post.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries),
        mentions = post.Mention is { } m ? new[] { m } : [],
        mentionReason = post.MentionReason,
        dashboardUrl = post.DashboardUrl,
        at = post.At,
    }, Core.ShipRoomJson.Options);

    private static JsonObject SlackButton(string actionId, string text, string value, string? style)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = actionId,
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = text },
            ["value"] = value,
        };
        if (style is not null)
        {
            button["style"] = style;
        }

        if (actionId == ChatButtons.RollBack)
        {
            button["confirm"] = new JsonObject
            {
                ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Roll back?" },
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Ask the deploy system to take this release out of production now." },
                ["confirm"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Roll back" },
                ["deny"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Cancel" },
            };
        }

        return button;
    }

    /// <summary>Slack links a mention only by member id (U…/W…); any other handle is written as text.</summary>
    public static string SlackMention(string handle)
    {
        var bare = handle.Trim().TrimStart('@');
        return MemberId().IsMatch(bare) ? $"<@{bare}>" : "@" + SlackEscape(bare);
    }

    public static string SlackEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>
    /// Adaptive Card text is Markdown: people's text must not become links, mentions or emphasis. A comparison such as
    /// "&lt;= 130 ms" stays readable; only the mention tag is defused.
    /// </summary>
    private static JsonObject TeamsButton(string verb, string title, string rolloutId, string style) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["style"] = style,
        ["data"] = new JsonObject { ["rolloutId"] = rolloutId },
    };

    public static string TeamsEscape(string text) => TeamsMarkup().Replace(TeamsMentionTag().Replace(text, m => m.Value.Replace('<', '‹').Replace('>', '›')), @"\$0");

    [GeneratedRegex("</?at>", RegexOptions.IgnoreCase)]
    private static partial Regex TeamsMentionTag();

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } };

    private static string SeverityMark(PostSeverity severity) => severity switch
    {
        PostSeverity.Critical => "[RED]",
        PostSeverity.Warning => "[YELLOW]",
        PostSeverity.Good => "[GREEN]",
        _ => "[INFO]",
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static IEnumerable<string> Chunks(string text, int max)
    {
        var current = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (current.Length + line.Length + 1 > max && current.Length > 0)
            {
                yield return current.ToString().TrimEnd('\n');
                current.Clear();
            }

            current.Append(Clip(line, max)).Append('\n');
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString().TrimEnd('\n');
        }
    }

    [GeneratedRegex("^[UW][A-Z0-9]{6,}$")]
    private static partial Regex MemberId();

    [GeneratedRegex(@"^([^@\s]+@[^@\s]+\.[^@\s]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    private static partial Regex TeamsUser();

    [GeneratedRegex(@"[\\`*_\[\]()#]")]
    private static partial Regex TeamsMarkup();
}
