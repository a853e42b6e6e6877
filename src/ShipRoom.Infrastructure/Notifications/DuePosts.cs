using Microsoft.Extensions.Options;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Notifications;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>What one rollout is due to post now, read from its snapshot, decisions and summaries, and the wording of each post.</summary>
public sealed class DuePosts(
    IDecisionRepository decisions,
    IPhaseSummaryRepository summaries,
    SnapshotBuilder snapshots,
    PlanCache plans,
    PostTemplateService templates,
    IOptions<NotificationOptions> options,
    ScorecardService scorecards,
    TimeProvider time)
{
    private static readonly TimeSpan ReuseSnapshotFor = TimeSpan.FromSeconds(20);

    private NotificationOptions Options => options.Value;

    /// <summary>
    /// Live rollouts, scheduled ones within two hours of T-0, ones that changed within the look-back, and completed ones
    /// whose plan still has executive updates after completion.
    /// </summary>
    public bool WorthLooking(RolloutRecord rollout)
    {
        var wallNow = time.GetUtcNow();
        return RolloutStateMachine.IsLive(rollout.Status)
            || wallNow - rollout.UpdatedAt <= TimeSpan.FromMinutes(Options.LookBackMinutes)
            || ExecutiveUpdateSchedule.MayBeDueAfterEnd(plans.Get(rollout), rollout, wallNow)
            || (rollout.Status == RolloutStatus.Scheduled && rollout.T0 is { } t0 && RolloutClock.Now(rollout, wallNow) >= t0.AddHours(-2) && RolloutClock.Now(rollout, wallNow) <= t0.AddHours(1));
    }

    public async Task<DueSet> FindAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var wallNow = time.GetUtcNow();
        // The snapshot the last poll or command built is reused while it is current: looking for due posts every few
        // seconds must not rebuild (and re-read the samples of) every live rollout each time.
        var snapshot = snapshots.LastBuilt(rollout.Id) is { } last && last.Version == rollout.Version && wallNow - last.BuiltAt < ReuseSnapshotFor
            ? last
            : await snapshots.BuildAsync(rollout, cancellationToken);
        var plan = plans.Get(rollout);
        var recent = await decisions.ListAsync(rollout.Id, 50, cancellationToken);
        var events = NotificationPlanner.DueEvents(snapshot, plan, recent, await summaries.ListAsync(rollout.Id, cancellationToken), wallNow, TimeSpan.FromMinutes(Options.LookBackMinutes));
        return new DueSet(snapshot, plan, events) { Decisions = recent };
    }

    public async Task<ShipRoomPost> ComposeAsync(PostEvent e, DueSet due, CancellationToken cancellationToken)
    {
        if (e is { Kind: PostKinds.GateResults, PhaseIndex: { } phase } && phase != due.Snapshot.PhaseIndex)
        {
            e = await WithPastGatesAsync(e, phase, due, cancellationToken);
        }

        return PostComposer.Compose(e, due.Snapshot, due.Plan, await templates.TemplateForAsync(e.Kind, cancellationToken), Options.DashboardUrl);
    }

    /// <summary>A phase the rollout has left: its gates as the scorecard judges them again from the stored samples of its window.</summary>
    private async Task<PostEvent> WithPastGatesAsync(PostEvent e, int phase, DueSet due, CancellationToken cancellationToken)
    {
        var name = due.Plan.Phases[phase].Name;
        var rows = (await scorecards.BuildAsync(due.Snapshot.Id, cancellationToken))?.Gates.Where(g => g.Phase == name).ToList() ?? [];
        if (rows.Count == 0)
        {
            return e;
        }

        var lines = string.Join('\n', rows.Select(g => $"• {g.Status} {g.Name}: canary {Core.NumberText.Plain(g.Canary)}, control {Core.NumberText.Plain(g.Control)}, limit {g.Limit}; {g.Evidence}"));
        var overall = rows.Any(g => g.Status.StartsWith("RED", StringComparison.Ordinal)) ? "RED"
            : rows.Any(g => g.Status.StartsWith("NO DATA", StringComparison.Ordinal)) ? "NO DATA"
            : rows.Any(g => g.Status.StartsWith("YELLOW", StringComparison.Ordinal)) ? "YELLOW" : "GREEN";
        return e with { GateLines = PostComposer.Clean(lines), GateOverall = overall };
    }
}

/// <summary>A rollout's snapshot and plan, and the posts they make due.</summary>
public sealed record DueSet(RolloutSnapshot Snapshot, RolloutPlan Plan, IReadOnlyList<PostEvent> Events)
{
    /// <summary>The rollout's recent decisions (the automatic holds and rollbacks pages are about).</summary>
    public IReadOnlyList<DecisionRecord> Decisions { get; init; } = [];

    /// <summary>Pages due, from the page events already queued.</summary>
    public IReadOnlyList<PageEvent> PagesDue(IReadOnlySet<string> queued, DateTimeOffset wallNow, TimeSpan lookBack) => PagePlanner.Due(Snapshot, Decisions, queued, wallNow, lookBack);
}
