using ShipRoom.Core.Conditions;
using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using PanelComponent = ShipRoom.Web.Components.Rollout.MetricPanel;
using PanelKind = ShipRoom.Core.Plans.MetricPanel;

namespace ShipRoom.Web.Tests.Components;

public sealed class MetricPanelTests : ComponentTestContext
{
    // A panel's chart draws as on a live connection (MetricChart reads RendererInfo).
    public MetricPanelTests() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    private static PanelSnapshot Latency(double? canary) => new(PanelKind.Latency, "Latency",
    [
        new MetricSnapshot("p95_latency_ms", "P95 latency", "ms", BetterDirection.Lower, 100, canary, canary is null ? null : (canary - 100) / 100 * 100,
            canary is null ? GateStatus.NoData : GateStatus.Red, "<= 130 ms", 130, [new JourneyValue("checkout", 101, canary)], [], []),
    ]);

    [Fact]
    public void Control_and_canary_sit_side_by_side_with_the_delta_and_the_gate()
    {
        var panel = Render<PanelComponent>(p => p.Add(x => x.Panel, Latency(140)));

        var row = panel.Find("tr[data-metric=p95_latency_ms]");
        Assert.Contains("100 ms", row.TextContent);
        Assert.Equal("140 ms", row.QuerySelector("[data-canary-value]")!.TextContent);
        Assert.Contains("+40%", row.TextContent);
        Assert.Contains("delta-worse", row.InnerHtml);
        Assert.Contains("RED", row.TextContent);
        Assert.Contains("checkout", panel.Find(".journey-row").TextContent);
    }

    [Fact]
    public void A_missing_canary_value_reads_no_data_not_zero()
    {
        var panel = Render<PanelComponent>(p => p.Add(x => x.Panel, Latency(null)));

        var row = panel.Find("tr[data-metric=p95_latency_ms]");
        Assert.Equal("—", row.QuerySelector("[data-canary-value]")!.TextContent);
        Assert.Contains("NO DATA", row.TextContent);
        Assert.DoesNotContain(" 0 ms", row.QuerySelector("[data-canary-value]")!.TextContent);
    }

    [Fact]
    public void Caps_read_lifted_only_once_the_lift_was_acknowledged_and_lift_pending_before()
    {
        var caps = new PaymentCapUsage(72, 100, 900m, 1500m, 20m, "USD", true) { LargestTransaction = 25m, OnBreach = "HOLD", Through = "25%" };

        var pending = PanelComponent.CapsText(caps with { LiftPending = true });
        var lifted = PanelComponent.CapsText(caps with { Lifted = true });

        Assert.Contains("lift pending after 25%: no deploy system has acknowledged it, the caps still hold (HOLD on breach)", pending);
        Assert.Contains("EXCEEDED", pending);
        Assert.Contains("lifted after 25%", lifted);
        Assert.DoesNotContain("EXCEEDED", lifted);
        Assert.DoesNotContain("lifted", PanelComponent.CapsText(caps));
    }
}
