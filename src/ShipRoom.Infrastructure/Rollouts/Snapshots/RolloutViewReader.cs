using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>What the dashboard shows beside the verdict: polls, checklists, summaries, roster, posts, payment cap usage and the postmortem.</summary>
public sealed record RolloutViewFacts(
    IReadOnlyList<PollRunRecord> Polls,
    IReadOnlyList<ChecklistItemRecord> ChecklistItems,
    IReadOnlyList<PhaseSummaryRecord> Summaries,
    IReadOnlyList<RosterEntry> Roster,
    IReadOnlyList<NotificationRecord> Posts,
    double? CapTransactions,
    double? CapDollars,
    PostmortemRecord? Postmortem = null,
    IReadOnlyList<PageUpdate>? Pages = null);

/// <summary>Reads <see cref="RolloutViewFacts"/> for one rollout.</summary>
public sealed class RolloutViewReader(
    IPollRunRepository pollRuns,
    IChecklistRepository checklists,
    IPhaseSummaryRepository summaries,
    IRosterRepository roster,
    INotificationRepository posts,
    ISampleRepository samples,
    IPostmortemRepository postmortems,
    IPageUpdateRepository pages)
{
    public const int RecentPolls = 20;

    /// <summary>#ship-room posts shown on the dashboard, newest first.</summary>
    public const int RecentPosts = 12;

    public async Task<RolloutViewFacts> ReadAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        var id = assessment.Rollout.Id;
        double? transactions = null;
        double? dollars = null;
        if (assessment.Plan.PaymentCaps is { } caps)
        {
            var from = assessment.StartedAt ?? assessment.Now;
            transactions = caps.TransactionsMetric is null ? null : await samples.SumAsync(id, caps.TransactionsMetric, Cohort.Canary, from, assessment.Now, cancellationToken);
            dollars = caps.DollarsMetric is null ? null : await samples.SumAsync(id, caps.DollarsMetric, Cohort.Canary, from, assessment.Now, cancellationToken);
        }

        return new RolloutViewFacts(
            await pollRuns.ListRecentAsync(id, RecentPolls, cancellationToken),
            await checklists.ListAsync(id, cancellationToken),
            await summaries.ListAsync(id, cancellationToken),
            await roster.ListAsync(id, cancellationToken),
            await posts.ListAsync(id, RecentPosts, cancellationToken),
            transactions,
            dollars,
            await postmortems.GetAsync(id, cancellationToken),
            await pages.LatestAsync(id, cancellationToken));
    }
}
