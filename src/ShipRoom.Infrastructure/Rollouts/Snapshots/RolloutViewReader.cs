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

/// <summary>Reads <see cref="RolloutViewFacts"/> for one rollout.</summary>
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

    public async Task<RolloutViewFacts> ReadAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        var id = assessment.Rollout.Id;
        var completed = assessment.Rollout.Status == Core.Rollouts.RolloutStatus.Completed && assessment.Plan.PostSuccess is not null;
        return new RolloutViewFacts(
            await pollRuns.ListRecentAsync(id, RecentPolls, cancellationToken),
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
