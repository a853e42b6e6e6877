using System.Collections.Concurrent;
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
/// out, so a live rollout's are kept and read again only when its fact version has moved
/// (<see cref="IRolloutFactChangeRepository"/>: triggers count every write to them, on any instance).
/// </summary>
public sealed class RolloutViewReader(
    IPollRunRepository pollRuns,
    IRolloutFactChangeRepository changes,
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

    /// <summary>Live rollouts whose panels are kept; past it they are all let go and read again (more live rollouts than polls can serve).</summary>
    public const int MaxKept = 1_000;

    private readonly ConcurrentDictionary<long, KeptPanels> _kept = new();

    private long _reused;

    /// <summary>Reads that reused the kept panels (for tests and diagnostics).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    public async Task<RolloutViewFacts> ReadAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        var id = assessment.Rollout.Id;
        var polls = await pollRuns.ListRecentAsync(id, RecentPolls, cancellationToken);
        if (!RolloutStateMachine.IsLive(assessment.Rollout.Status))
        {
            // Only polled rollouts gain from keeping: the others are rebuilt when someone acts, which moves the version
            // anyway. A rollout that finished on another instance keeps its entry here until its next build; the cap
            // bounds what such leftovers can hold.
            _kept.TryRemove(id, out _);
            return await ReadPanelsAsync(assessment, polls, cancellationToken);
        }

        // The version is read before the panels (by the assessment, before its own reads): a write between the two is in
        // the panels and moves the version past the one they are kept under, so the next read reads them again.
        var version = assessment.FactVersion ?? await changes.VersionAsync(id, cancellationToken);
        if (_kept.TryGetValue(id, out var kept) && kept.Version == version)
        {
            Interlocked.Increment(ref _reused);
            return kept.Facts with { Polls = polls };
        }

        var facts = await ReadPanelsAsync(assessment, polls, cancellationToken);
        if (_kept.Count >= MaxKept)
        {
            _kept.Clear();
        }

        var read = new KeptPanels(version, facts);
        _kept.AddOrUpdate(id, read, (_, other) => other.Version > version ? other : read);
        return facts;
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

    private sealed record KeptPanels(long Version, RolloutViewFacts Facts);
}

/// <summary>The drafts a rollout's dashboard shows (postmortem, win note) and its post-success steps: one reader for what people write after a rollout.</summary>
public sealed class DraftViewReader(IPostmortemRepository drafts, IPostSuccessRepository postSuccess)
{
    public Task<PostmortemRecord?> PostmortemAsync(long rolloutId, CancellationToken cancellationToken) => drafts.GetAsync(rolloutId, cancellationToken);

    public Task<PostmortemRecord?> WinNoteAsync(long rolloutId, CancellationToken cancellationToken) => drafts.GetAsync(rolloutId, cancellationToken, DraftKinds.WinNote);

    public Task<IReadOnlyList<PostSuccessRecord>> PostSuccessStepsAsync(long rolloutId, CancellationToken cancellationToken) => postSuccess.ListAsync(rolloutId, cancellationToken);
}
