using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Model;

namespace ShipRoom.Web.Tests.Model;

/// <summary>Time to rollback says only what was measured: never a tick or a time for a rollback nobody carried out.</summary>
public sealed class RollbackTextTests
{
    private static readonly DateTimeOffset Clicked = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    [Fact]
    public void With_no_deploy_system_nothing_is_measured_and_nothing_is_ticked()
    {
        var recorded = new RollbackTiming(Budget, Clicked, null, null, null, null) { RecordedOnly = true };

        var text = RollbackText.Describe(recorded, actionsRecordedOnly: true);

        Assert.Equal("not measured — recorded only, nothing was sent", text);
        Assert.DoesNotContain("✓", text);
        Assert.DoesNotContain("0.0s", text);
    }

    [Fact]
    public void Before_any_rollback_without_a_deploy_system_the_budget_is_not_promised()
    {
        Assert.Equal("not measured — no deploy system is configured", RollbackText.Describe(new RollbackTiming(Budget, null, null, null, null, null), true));
        Assert.Equal("budget 2m", RollbackText.Describe(new RollbackTiming(Budget, null, null, null, null, null), false));
    }

    [Fact]
    public void With_a_deploy_system_the_acknowledgement_is_timed_and_completion_waits_for_its_report()
    {
        var acknowledged = new RollbackTiming(Budget, Clicked, Clicked.AddSeconds(1.4), TimeSpan.FromSeconds(1.4), true, null);

        Assert.Equal("acknowledged in 1.4s; traffic restored: not reported yet (budget 2m)", RollbackText.Describe(acknowledged, false));
    }

    [Fact]
    public void Traffic_restored_is_judged_against_the_budget()
    {
        var inTime = new RollbackTiming(Budget, Clicked, Clicked.AddSeconds(1), TimeSpan.FromSeconds(1), true, null) { CompletedAt = Clicked.AddSeconds(95) };
        var late = inTime with { CompletedAt = Clicked.AddMinutes(3) };

        Assert.Equal("acknowledged in 1.0s; traffic restored in 1m (within the 2m budget)", RollbackText.Describe(inTime, false));
        Assert.Equal("acknowledged in 1.0s; traffic restored in 3m (over the 2m budget)", RollbackText.Describe(late, false));
    }

    [Fact]
    public void A_failed_deploy_call_is_not_a_time()
    {
        var failed = new RollbackTiming(Budget, Clicked, null, null, null, "HTTP 503");

        Assert.Equal("not measured — the deploy system failed: HTTP 503", RollbackText.Describe(failed, false));
    }
}
