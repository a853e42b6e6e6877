using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class RolloutHeaderTests : ComponentTestContext
{
    [Fact]
    public void The_header_shows_release_phase_progress_verdict_and_reasons()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)))));

        Assert.Contains("v20261125.1", header.Markup);
        Assert.Contains("3f6c2a9e8b", header.Find("code").TextContent);
        Assert.Equal("1% of traffic — phase 1 of 2", header.Find("[data-phase]").TextContent);
        Assert.Equal("6 of 15 min", header.Find("[data-observed]").TextContent);
        Assert.Equal("CONTINUE", header.Find("[data-recommendation]").GetAttribute("data-recommendation"));
        Assert.Contains("6 of 15 minutes observed", header.Find(".reasons").TextContent);
        Assert.DoesNotContain("STALE", header.Markup);
    }

    [Fact]
    public void Stale_data_is_shown_as_stale_with_the_source_problem_not_as_green()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)), stale: true)));

        Assert.Contains("STALE — no successful poll since", header.Find("[role=alert]").TextContent);
        Assert.Contains("Prometheus unreachable", header.Markup);
    }

    [Fact]
    public void Without_a_verdict_the_overall_status_is_no_data()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(null)));

        Assert.Equal("NO DATA", header.Find("[data-status]").GetAttribute("data-status"));
    }
}
