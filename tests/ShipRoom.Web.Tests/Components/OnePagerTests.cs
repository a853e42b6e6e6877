using Bunit;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class OnePagerTests : ComponentTestContext
{
    [Fact]
    public void An_https_runbook_is_a_link_that_opens_apart()
    {
        var page = Render<OnePager>(p => p.Add(x => x.Snapshot, Snapshot(null)));

        var link = page.Find("a");
        Assert.Equal("https://runbooks.example.com/rb", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("JaVaScRiPt:alert(1)")]
    public void A_runbook_that_is_not_http_is_shown_as_text_never_as_a_link(string runbook)
    {
        // A plan stored before lint refused such links must not become one on the dashboard.
        var snapshot = Snapshot(null);
        snapshot = snapshot with { Release = snapshot.Release with { RollbackRunbook = runbook } };

        var page = Render<OnePager>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.Empty(page.FindAll("a"));
        Assert.Contains(runbook, page.Find("[data-unsafe-link] code").TextContent);
    }
}
