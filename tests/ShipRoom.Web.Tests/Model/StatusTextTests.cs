using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Model;

namespace ShipRoom.Web.Tests.Model;

/// <summary>The rollout's state in words: a rollback not written yet says what the deploy system answered and that it waits.</summary>
public sealed class StatusTextTests
{
    private static readonly DateTimeOffset Clicked = new(2026, 12, 2, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stored_state_is_its_plain_name()
    {
        Assert.Equal("Running", StatusText.Of(RolloutStatus.Running, null));
        Assert.Equal("Rolled back", StatusText.Of(RolloutStatus.RolledBack, null));
    }

    [Fact]
    public void An_acknowledged_rollback_made_offline_is_rolled_back_and_not_saved_yet()
    {
        var text = StatusText.Of(RolloutStatus.RolledBack, new UnsavedRollback("ic", Clicked, Acknowledged: true, RecordedOnly: false, Error: null));

        Assert.Equal("Rolled back — recorded offline, saved when storage returns", text);
    }

    [Fact]
    public void A_failed_deploy_call_offline_is_still_rolling_back_with_the_error_and_the_runbook()
    {
        var text = StatusText.Of(RolloutStatus.RollingBack, new UnsavedRollback("ic", Clicked, Acknowledged: false, RecordedOnly: false, Error: "503 from the deploy system"));

        Assert.Equal("Rolling back — the deploy system failed (503 from the deploy system); carry it out by runbook; recorded offline, saved when storage returns", text);
    }

    [Fact]
    public void With_no_deploy_system_an_offline_rollback_is_recorded_for_the_runbook_never_done()
    {
        var text = StatusText.Of(RolloutStatus.RolledBack, new UnsavedRollback("ic", Clicked, Acknowledged: true, RecordedOnly: true, Error: null));

        Assert.Equal("Rollback recorded — carry it out by runbook; recorded offline, saved when storage returns", text);
        Assert.DoesNotContain("Rolled back", text);
    }
}
