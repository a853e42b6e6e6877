using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>What the dashboard shows beside the verdict: polls, checklists, summaries, roster, posts and the postmortem.</summary>
public sealed record RolloutViewFacts(
    IReadOnlyList<PollRunRecord> Polls,
    IReadOnlyList<ChecklistItemRecord> ChecklistItems,
    IReadOnlyList<PhaseSummaryRecord> Summaries,
    IReadOnlyList<RosterEntry> Roster,
    IReadOnlyList<NotificationRecord> Posts,
    PostmortemRecord? Postmortem = null,
    IReadOnlyList<PageUpdate>? Pages = null)
{
    /// <summary>A completed rollout's post-success steps as recorded (empty before completion).</summary>
    public IReadOnlyList<PostSuccessRecord> PostSuccessSteps { get; init; } = [];

    /// <summary>A completed rollout's win note draft, once drafted.</summary>
    public PostmortemRecord? WinNote { get; init; }
}

/// <summary>
/// Reads <see cref="RolloutViewFacts"/> for one rollout. The recent polls change with every poll and are read each time;
/// the panels (checklists, summaries, roster, posts, drafts, page updates) change only when someone acts or a post goes
/// out, so a live rollout's are kept under the fact version its assessment read first and read again only when it has
/// moved (<see cref="IRolloutFactChangeRepository"/>: triggers count every write to them, on any instance).
/// </summary>
public sealed class RolloutViewReader(
    IPollRunRepository pollRuns,
    IChecklistRepository checklists,
    IPhaseSummaryRepository summaries,
    IRosterRepository roster,
    INotificationRepository posts,
    DraftViewReader drafts,
    IPageUpdateRepository pages)
{
    public const int RecentPolls = 20;

    /// <summary>#ship-room posts shown on the dashboard, newest first.</summary>
    public const int RecentPosts = 12;

    private readonly KeptByFactVersion<RolloutViewFacts> _kept = new();

    /// <summary>Reads that reused the kept panels (for tests and diagnostics).</summary>
    public long Reused => _kept.Reused;

    public async Task<RolloutViewFacts> ReadAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        var id = assessment.Rollout.Id;
        var polls = await pollRuns.ListRecentAsync(id, RecentPolls, cancellationToken);
        // The assessment read the version (live rollouts only) before its own reads, so before these.
        if (assessment.FactVersion is not { } version)
        {
            _kept.Forget(id);
            return await ReadPanelsAsync(assessment, polls, cancellationToken);
        }

        var kept = await _kept.GetOrReadAsync(id, version, () => ReadPanelsAsync(assessment, polls, cancellationToken));
        return kept with { Polls = polls };
    }

    private async Task<RolloutViewFacts> ReadPanelsAsync(RolloutAssessment assessment, IReadOnlyList<PollRunRecord> polls, CancellationToken cancellationToken)
    {
        var id = assessment.Rollout.Id;
        var completed = assessment.Rollout.Status == RolloutStatus.Completed && assessment.Plan.PostSuccess is not null;
        return new RolloutViewFacts(
            polls,
            await checklists.ListAsync(id, cancellationToken),
            await summaries.ListAsync(id, cancellationToken),
            await roster.ListAsync(id, cancellationToken),
            await posts.ListAsync(id, RecentPosts, cancellationToken),
            await drafts.PostmortemAsync(id, cancellationToken),
            await pages.LatestAsync(id, cancellationToken))
        {
            PostSuccessSteps = completed ? await drafts.PostSuccessStepsAsync(id, cancellationToken) : [],
            WinNote = completed ? await drafts.WinNoteAsync(id, cancellationToken) : null,
        };
    }

}

/// <summary>The drafts a rollout's dashboard shows (postmortem, win note) and its post-success steps: one reader for what people write after a rollout.</summary>
public sealed class DraftViewReader(IPostmortemRepository drafts, IPostSuccessRepository postSuccess)
{
    public Task<PostmortemRecord?> PostmortemAsync(long rolloutId, CancellationToken cancellationToken) => drafts.GetAsync(rolloutId, cancellationToken);

    public Task<PostmortemRecord?> WinNoteAsync(long rolloutId, CancellationToken cancellationToken) => drafts.GetAsync(rolloutId, cancellationToken, DraftKinds.WinNote);

    public Task<IReadOnlyList<PostSuccessRecord>> PostSuccessStepsAsync(long rolloutId, CancellationToken cancellationToken) => postSuccess.ListAsync(rolloutId, cancellationToken);
}
