using Bunit;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class PagingStatusTests : ComponentTestContext
{
    [Fact]
    public void Each_page_says_what_the_paging_tool_reported_and_links_the_incident()
    {
        var paging = new[]
        {
            new PageStatusSnapshot("rollback", "shiproom-7-rollback", "acknowledged", "Tenex Engineer", Now.AddMinutes(-3), "https://acme.pagerduty.com/incidents/PGR0VU2"),
            new PageStatusSnapshot("red", "shiproom-7-red", "triggered", null, Now.AddMinutes(-4), null),
        };

        var strip = Render<PagingStatus>(p => p.Add(x => x.Paging, paging));

        var alerts = strip.FindAll("[data-page-state]");
        Assert.Equal(["acknowledged", "triggered"], alerts.Select(a => a.GetAttribute("data-page-state")));
        Assert.Contains("Page for automatic rollback: acknowledged by Tenex Engineer", alerts[0].TextContent);
        Assert.Contains("Page for a gate RED: paged, not yet acknowledged", alerts[1].TextContent);
        Assert.Equal("https://acme.pagerduty.com/incidents/PGR0VU2", strip.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void Without_pages_nothing_is_shown()
    {
        var strip = Render<PagingStatus>(p => p.Add(x => x.Paging, []));

        Assert.Empty(strip.Markup.Trim());
    }
}
