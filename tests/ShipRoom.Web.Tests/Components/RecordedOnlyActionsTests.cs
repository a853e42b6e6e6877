using Bunit;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

/// <summary>With no deploy system, the header says actions are recorded only and never shows a rollback as done.</summary>
public sealed class RecordedOnlyActionsTests : ComponentTestContext
{
    [Fact]
    public void A_recorded_rollback_shows_the_banner_the_runbook_and_no_time_or_tick()
    {
        var snapshot = Snapshot(Verdict(Gate("p95", GateStatus.Green, 96))) with
        {
            Status = RolloutStatus.RolledBack,
            ActionsRecordedOnly = true,
            Rollback = new(TimeSpan.FromMinutes(2), Now.AddMinutes(-1), null, null, null, null) { RecordedOnly = true },
        };

        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.Contains("Actions are recorded only — no deploy system is configured", header.Find("[data-recorded-only]").TextContent);
        Assert.Equal("Rolled back", header.Find("[data-rollout-status]").TextContent);
        Assert.Equal("ROLLBACK RECORDED", header.Find("[data-recommendation]").GetAttribute("data-recommendation"));
        Assert.Contains("carry out by runbook", header.Find("[data-recommendation]").TextContent);
        Assert.StartsWith("not measured", header.Find("[data-time-to-rollback]").TextContent);
        Assert.DoesNotContain("✓", header.Markup);
    }

    [Fact]
    public void With_a_deploy_system_there_is_no_banner_and_the_rollback_is_rolled_back()
    {
        var snapshot = Snapshot(Verdict(Gate("p95", GateStatus.Green, 96))) with
        {
            Status = RolloutStatus.RolledBack,
            Rollback = new(TimeSpan.FromMinutes(2), Now.AddMinutes(-1), Now.AddMinutes(-1).AddSeconds(2), TimeSpan.FromSeconds(2), true, null),
        };

        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.Empty(header.FindAll("[data-recorded-only]"));
        Assert.Equal("ROLLED BACK", header.Find("[data-recommendation]").GetAttribute("data-recommendation"));
        Assert.StartsWith("acknowledged in 2.0s", header.Find("[data-time-to-rollback]").TextContent);
    }
}
