using Bunit;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class DecisionTimelineTests : ComponentTestContext
{
    private static TimelineEntry Entry(int minute, string summary, string? reason = null, string? outcome = "Executed") =>
        new(Now.AddMinutes(-minute), "decision", "iris", summary, reason, outcome);

    [Fact]
    public void Entries_show_in_the_order_given_with_actor_summary_reason_and_outcome()
    {
        var entries = new[] { Entry(1, "Hold", "p95 climbing"), Entry(5, "Start", outcome: "Refused") };

        var timeline = Render<DecisionTimeline>(p => p.Add(x => x.Entries, entries));

        var items = timeline.FindAll("ol.timeline li");
        Assert.Equal(2, items.Count);
        Assert.Equal(("iris", "Hold", "— p95 climbing"), (items[0].QuerySelector(".timeline-actor")!.TextContent, items[0].QuerySelector(".timeline-summary")!.TextContent, items[0].QuerySelector(".timeline-reason")!.TextContent));
        Assert.Contains("timeline-executed", items[0].ClassName);
        Assert.Contains("timeline-refused", items[1].ClassName);
        Assert.Null(items[1].QuerySelector(".timeline-reason"));
        Assert.DoesNotContain("No decisions yet.", timeline.Markup);
    }

    [Fact]
    public void Only_the_limit_is_shown()
    {
        var entries = Enumerable.Range(0, 20).Select(i => Entry(i, $"entry {i}")).ToList();

        var timeline = Render<DecisionTimeline>(p => p.Add(x => x.Entries, entries).Add(x => x.Limit, 4));

        Assert.Equal(["entry 0", "entry 1", "entry 2", "entry 3"], timeline.FindAll(".timeline-summary").Select(s => s.TextContent));
    }

    [Fact]
    public void An_empty_timeline_says_so()
    {
        var timeline = Render<DecisionTimeline>();

        Assert.Contains("No decisions yet.", timeline.Markup);
        Assert.Empty(timeline.FindAll("ol.timeline li"));
    }
}
