using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Tests.Components;

namespace ShipRoom.Web.Tests.Notifications;

/// <summary>Which pages a rollout is due: an automatic hold pages once and resolves when the rollout is no longer held; RED pages in episodes.</summary>
public sealed class PagePlannerTests
{
    private static readonly DateTimeOffset Now = TestSnapshots.Now;

    private static DecisionRecord Decision(long id, RolloutCommand kind, string actor) =>
        new(id, 7, kind, actor, "p95 over 130 ms for 5 minutes", $"k{id}", Now.AddMinutes(-2), Now.AddMinutes(-2), null, DecisionOutcome.Executed, null, "Running", "Held", null);

    private static IReadOnlyList<PageEvent> Due(RolloutStatus status, IReadOnlyList<DecisionRecord> decisions, HashSet<string> queued, params GateVerdict[] gates) =>
        PagePlanner.Due(TestSnapshots.Snapshot(TestSnapshots.Verdict(gates)) with { Status = status }, decisions, queued, Now, TimeSpan.FromMinutes(60));

    [Fact]
    public void An_automatic_hold_pages_once_and_resolves_when_the_rollout_is_resumed_but_a_persons_hold_pages_nobody()
    {
        var hold = Decision(11, RolloutCommand.Hold, RolloutActor.AutomaticName);
        var green = TestSnapshots.Gate("p95", GateStatus.Green, 100);
        var queued = new HashSet<string>(StringComparer.Ordinal);

        var first = Assert.Single(Due(RolloutStatus.Held, [hold, Decision(12, RolloutCommand.Hold, "ic")], queued, green));
        Assert.Equal(("trigger", "shiproom-7-hold", "page:7:hold:d11:trigger", "error"), (first.Action, first.DedupKey, first.EventKey, first.Severity));
        queued.Add(first.EventKey);
        Assert.Empty(Due(RolloutStatus.Held, [hold], queued, green)); // still held: nothing more

        var resolve = Assert.Single(Due(RolloutStatus.Running, [hold, Decision(13, RolloutCommand.Resume, "ic")], queued, green));
        Assert.Equal(("resolve", "shiproom-7-hold", "page:7:hold:d11:resolve"), (resolve.Action, resolve.DedupKey, resolve.EventKey));
    }

    [Fact]
    public void Red_pages_per_episode_and_resolves_when_no_gate_is_red()
    {
        var red = TestSnapshots.Gate("p95", GateStatus.Red, 150);
        var green = TestSnapshots.Gate("p95", GateStatus.Green, 100);
        var queued = new HashSet<string>(StringComparer.Ordinal);

        var one = Assert.Single(Due(RolloutStatus.Running, [], queued, red));
        Assert.Equal(("trigger", "page:7:red:1:trigger", "critical"), (one.Action, one.EventKey, one.Severity));
        queued.Add(one.EventKey);
        Assert.Empty(Due(RolloutStatus.Running, [], queued, red));
        var cleared = Assert.Single(Due(RolloutStatus.Running, [], queued, green));
        Assert.Equal("page:7:red:1:resolve", cleared.EventKey);
        queued.Add(cleared.EventKey);
        Assert.Equal("page:7:red:2:trigger", Assert.Single(Due(RolloutStatus.Running, [], queued, red)).EventKey);
    }
}
