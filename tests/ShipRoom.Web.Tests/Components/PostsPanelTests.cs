using Bunit;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class PostsPanelTests : ComponentTestContext
{
    private static PostSnapshot Post(string status, int attempts, string? error = null) =>
        new("phase", "slack", $"post {status} {attempts}", status, attempts, error, Now.AddMinutes(-2), status == NotificationStates.Sent ? Now : null, null);

    [Fact]
    public void Delivery_says_what_really_happened_to_each_post()
    {
        var posts = new[]
        {
            Post(NotificationStates.Sent, 1),
            Post(NotificationStates.Sent, 3),
            Post(NotificationStates.Failed, 5, "HTTP 403 from Slack"),
            Post(NotificationStates.Pending, 2, "timeout"),
            Post(NotificationStates.Pending, 0),
        };

        var panel = Render<PostsPanel>(p => p.Add(x => x.Posts, posts).Add(x => x.ChannelsConfigured, true));

        Assert.Equal(
            ["SENT", "SENT after 3 attempts", "FAILED: HTTP 403 from Slack", "RETRYING (2 attempts so far): timeout", "QUEUED"],
            panel.FindAll("tbody tr td:last-child").Select(td => td.TextContent));
        Assert.Equal("slack", panel.Find("tbody tr td:nth-child(2)").TextContent);
    }

    [Theory]
    [InlineData(true, "Nothing posted yet.")]
    [InlineData(false, "No chat channel is configured (ShipRoom:Notifications).")]
    public void Without_posts_the_panel_tells_apart_no_channel_from_nothing_sent(bool configured, string text)
    {
        var panel = Render<PostsPanel>(p => p.Add(x => x.Posts, []).Add(x => x.ChannelsConfigured, configured));

        Assert.Equal(text, panel.Find(".mud-typography-body2").TextContent);
        Assert.Empty(panel.FindAll("table"));
    }
}
