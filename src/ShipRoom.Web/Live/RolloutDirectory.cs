using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Live;

/// <summary>One line of the rollout list: from its snapshot when this instance holds one, from storage otherwise.</summary>
public sealed record RolloutListRow(long Id, string Name, string Version, string Commit, RolloutStatus Status, string Phase, int PhaseIndex, int PhaseCount, RolloutSnapshot? Snapshot)
{
    public GateStatus? Overall => Snapshot?.Verdict?.Overall;

    public DateTimeOffset? StartedAt => Snapshot?.Phases.FirstOrDefault()?.StartedAt;

    public static RolloutListRow Of(RolloutSnapshot snapshot) =>
        new(snapshot.Id, snapshot.Name, snapshot.Release.Version, snapshot.Release.Commit, snapshot.Status, snapshot.CurrentPhase.Name, snapshot.PhaseIndex, snapshot.Phases.Count, snapshot);
}

/// <summary>
/// Every rollout, newest first: the stored list read once when a page or the API asks, merged with the snapshots the
/// store holds (live rollouts and recently finished ones), so no rollout disappears because this instance has not
/// built its snapshot, and a live list updates from the store without querying again.
/// </summary>
public sealed class RolloutDirectory(IRolloutRepository rollouts, RolloutSnapshotStore store, RolloutSnapshotReader reader, PlanCache plans)
{
    public async Task<IReadOnlyList<RolloutListRow>> ListAsync(CancellationToken cancellationToken)
    {
        // A command's answer comes before its snapshot: whoever lists right after it sees what it did.
        await reader.AllPendingAsync(cancellationToken);
        var rows = new List<RolloutListRow>();
        foreach (var rollout in await rollouts.ListAsync(cancellationToken))
        {
            var snapshot = store.Get(rollout.Id) ?? (RolloutStateMachine.IsLive(rollout.Status) ? await reader.GetAsync(rollout.Id, cancellationToken) : null);
            if (snapshot is not null)
            {
                rows.Add(RolloutListRow.Of(snapshot));
                continue;
            }

            var plan = plans.Get(rollout);
            var index = Math.Clamp(rollout.PhaseIndex, 0, plan.Phases.Count - 1);
            rows.Add(new RolloutListRow(rollout.Id, rollout.Name, rollout.VersionTag, rollout.CommitSha, rollout.Status, plan.Phases[index].Name, index, plan.Phases.Count, null));
        }

        return Merge(rows, []);
    }

    /// <summary>The rows with every held snapshot in place of its row (and rollouts created since added), newest first.</summary>
    public static IReadOnlyList<RolloutListRow> Merge(IReadOnlyList<RolloutListRow> rows, IReadOnlyList<RolloutSnapshot> held)
    {
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var snapshot in held)
        {
            byId[snapshot.Id] = RolloutListRow.Of(snapshot);
        }

        return byId.Values.OrderByDescending(r => r.Id).ToList();
    }
}
