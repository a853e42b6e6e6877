using System.Text.Json;
using ShipRoom.Infrastructure.Notifications;

namespace ShipRoom.Infrastructure.Tests.Notifications;

public sealed class ChannelPayloadTests
{
    private static ShipRoomPost Post(string body, string? mention = null) =>
        new("hold", "decision:1", 1, PostSeverity.Warning, "HOLD: <v1> & co", body, "https://shiproom.example.com/rollouts/1", mention, mention is null ? null : "YELLOW: P95", DateTimeOffset.UnixEpoch);

    [Fact]
    public void Slack_text_from_people_cannot_mention_or_link()
    {
        var payload = JsonDocument.Parse(ChannelPayloads.Slack(Post("reason: <!channel> see <https://evil|here>"))).RootElement;

        var section = payload.GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString();
        Assert.Equal("reason: &lt;!channel&gt; see &lt;https://evil|here&gt;", section);
        Assert.Equal("HOLD: &lt;v1&gt; &amp; co", payload.GetProperty("text").GetString());
    }

    [Fact]
    public void Slack_posts_carry_hold_rollback_and_approve_buttons_only_when_clicks_are_taken()
    {
        var plain = JsonDocument.Parse(ChannelPayloads.For(ChannelNames.Slack, Post("body"))).RootElement;
        var buttons = JsonDocument.Parse(ChannelPayloads.For(ChannelNames.Slack, Post("body"), slackButtons: true)).RootElement;

        Assert.DoesNotContain(plain.GetProperty("blocks").EnumerateArray(), b => b.TryGetProperty("block_id", out var id) && id.GetString() == "shiproom_commands");
        var actions = buttons.GetProperty("blocks").EnumerateArray().Single(b => b.TryGetProperty("block_id", out var id) && id.GetString() == "shiproom_commands").GetProperty("elements");
        Assert.Equal(["shiproom_hold", "shiproom_rollback", "shiproom_approve"], actions.EnumerateArray().Select(a => a.GetProperty("action_id").GetString()));
        Assert.Equal(["Hold", "Roll back", "Approve"], actions.EnumerateArray().Select(a => a.GetProperty("text").GetProperty("text").GetString()));
        Assert.All(actions.EnumerateArray(), a => Assert.Equal("1", a.GetProperty("value").GetString()));
        Assert.Equal("Roll back?", actions[1].GetProperty("confirm").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Slack_links_a_member_id_and_writes_any_other_handle_as_text()
    {
        Assert.Equal("<@U024BE7LH>", ChannelPayloads.SlackMention("@U024BE7LH"));
        Assert.Equal("@casey.ceo", ChannelPayloads.SlackMention("casey.ceo"));
    }

    [Fact]
    public void Teams_mentions_a_sign_in_name_with_an_entity()
    {
        var card = JsonDocument.Parse(ChannelPayloads.Teams(Post("body", "@casey@example.com"))).RootElement.GetProperty("attachments")[0].GetProperty("content");

        var mention = card.GetProperty("msteams").GetProperty("entities")[0];
        Assert.Equal("<at>casey@example.com</at>", mention.GetProperty("text").GetString());
        Assert.Equal("casey@example.com", mention.GetProperty("mentioned").GetProperty("id").GetString());
        Assert.StartsWith("<at>casey@example.com</at> YELLOW: P95", card.GetProperty("body")[1].GetProperty("text").GetString());
    }

    [Fact]
    public void With_a_teams_bot_the_card_carries_action_execute_buttons_for_the_rollout_and_without_one_only_the_link()
    {
        JsonElement Actions(bool buttons) => JsonDocument.Parse(ChannelPayloads.Teams(Post("body", null), buttons)).RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("actions");

        var actions = Actions(true).EnumerateArray().ToList();
        Assert.Equal(["Action.Execute", "Action.Execute", "Action.Execute", "Action.OpenUrl"], actions.Select(a => a.GetProperty("type").GetString()));
        Assert.Equal([ChannelPayloads.ChatButtons.Hold, ChannelPayloads.ChatButtons.RollBack, ChannelPayloads.ChatButtons.Approve], actions.Take(3).Select(a => a.GetProperty("verb").GetString()));
        Assert.All(actions.Take(3), a => Assert.Equal(Post("body", null).RolloutId.ToString(System.Globalization.CultureInfo.InvariantCulture), a.GetProperty("data").GetProperty("rolloutId").GetString()));
        Assert.Equal(["Action.OpenUrl"], Actions(false).EnumerateArray().Select(a => a.GetProperty("type").GetString()));
    }

    [Fact]
    public void Teams_text_from_people_is_not_markdown()
    {
        Assert.Equal(@"\[click\]\(https://evil\) \*now\* ‹at›x‹/at› <= 130 ms", ChannelPayloads.TeamsEscape("[click](https://evil) *now* <at>x</at> <= 130 ms"));
    }

    [Fact]
    public void A_long_report_is_split_over_slack_sections_within_the_limit()
    {
        var body = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"• metric {i}: 123.4 ms vs 120.1 ms (+2.75%) GREEN"));

        var sections = JsonDocument.Parse(ChannelPayloads.Slack(Post(body))).RootElement.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();

        Assert.True(sections.Count > 1);
        Assert.All(sections, s => Assert.True(s.Length <= 3000));
        Assert.Equal(body, string.Join('\n', sections));
    }
}
