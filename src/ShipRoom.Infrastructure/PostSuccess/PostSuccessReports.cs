using ShipRoom.Core.PostSuccess;
using ShipRoom.Core.Plans;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.PostSuccess;

/// <summary>
/// The win note and the cohort review, from the rollout's stored record and samples. The win note is a draft of the
/// postmortem's kind (<see cref="DraftKinds.WinNote"/>): one per rollout, edited and published by a PM through
/// <see cref="PostmortemService"/>. The cohort review is posted through the notification outbox (one per rollout and
/// channel) and kept as a published report of kind <see cref="DraftKinds.CohortReview"/>.
/// </summary>
public sealed class PostSuccessReports(
    IPostmortemRepository drafts,
    ScorecardService scorecards,
    ISampleRepository samples,
    INotificationRepository outbox,
    NotificationChannels channels,
    IOptions<NotificationOptions> options,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The win note is due a day after it is drafted: ShipRoom's default, the directives give it no deadline.</summary>
    public static readonly TimeSpan WinNoteDueAfter = TimeSpan.FromHours(24);

    /// <summary>Drafts the win note; false when it exists already (another instance, an earlier pass) or nothing can be read.</summary>
    public async Task<bool> DraftWinNoteAsync(PostSuccessCompletion completion, IReadOnlyList<PostSuccessRecord> actions, CancellationToken cancellationToken)
    {
        var id = completion.Rollout.Id;
        if (await drafts.GetAsync(id, cancellationToken, DraftKinds.WinNote) is not null || await scorecards.BuildAsync(id, cancellationToken) is not { } card)
        {
            return false;
        }

        var metrics = completion.Plan.Metrics;
        var start = completion.StartedAt ?? completion.RolloutAt;
        var stored = await samples.ReadAsync(id, start, completion.RolloutAt, cancellationToken);
        var now = time.GetUtcNow();
        var facts = new WinNoteFacts(card, completion.StartedAt, completion.FullTrafficAt, completion.RolloutAt,
            KpiDeltas.Compute(metrics, stored, start, completion.RolloutAt),
            completion.FullTrafficAt is { } full ? KpiDeltas.Compute(metrics, stored, full, completion.RolloutAt) : [],
            actions.Select(a => new PostSuccessOutcome(PostSuccessSteps.Describe(a.Action), a.Outcome, a.Detail, a.DoneAt)).ToList(),
            now + WinNoteDueAfter);
        var cause = $"completed at {completion.Plan.Phases[^1].Name} after {Core.NumberText.Duration(completion.Plan.Stabilisation)} stable";
        if (!await drafts.CreateAsync(id, cause, WinNoteDraft.Write(facts), now, now + WinNoteDueAfter, cancellationToken, DraftKinds.WinNote))
        {
            return false;
        }

        await audit.AppendAsync(new AuditEntryDraft(now, RolloutActor.AutomaticName, "winnote.drafted", id, $"Win note drafted; due {now + WinNoteDueAfter:yyyy-MM-dd HH:mm} UTC"), cancellationToken);
        return true;
    }

    /// <summary>
    /// The cohort review: the plan's review metrics canary vs control over every stored sample, kept as a published
    /// report and queued for every configured channel under the event key <c>cohort-review:{rollout}</c>. Says where it went.
    /// </summary>
    public async Task<string> PostCohortReviewAsync(PostSuccessCompletion completion, CancellationToken cancellationToken)
    {
        var review = completion.Steps.CohortReview!;
        var id = completion.Rollout.Id;
        var start = completion.StartedAt ?? completion.RolloutAt;
        var end = completion.Rollout.LastPolledTo is { } polled && polled > completion.RolloutAt ? polled : completion.RolloutAt;
        var stored = await samples.ReadAsync(id, start, end.AddMinutes(1), cancellationToken);
        var wanted = review.Metrics.Select(k => completion.Plan.FindMetric(k)).OfType<MetricDefinition>().ToList();
        var deltas = KpiDeltas.Compute(wanted, stored, start, end.AddMinutes(1));
        var measured = stored.Where(s => review.Metrics.Contains(s.MetricKey)).Select(s => s.Time).ToList();
        var dueAt = completion.CohortReviewDueAt!.Value;
        var release = completion.Plan.Release;
        var title = CohortReviewReport.Title(release.Name, release.Version, review.After);
        var body = CohortReviewReport.Write(release.Name, release.Version, completion.WallAt, dueAt, measured.Count == 0 ? null : measured.Min(), measured.Count == 0 ? null : measured.Max(), deltas);
        var now = time.GetUtcNow();
        if (await drafts.CreateAsync(id, title, $"# {title}\n\n{body}\n", now, dueAt, cancellationToken, DraftKinds.CohortReview))
        {
            await drafts.PublishAsync(id, RolloutActor.AutomaticName, now, 1, cancellationToken, DraftKinds.CohortReview);
        }

        var post = new ShipRoomPost(DraftKinds.CohortReview, $"cohort-review:{id}", id, PostSeverity.Info, title, body, options.Value.DashboardUrl, null, null, now);
        var sentTo = new List<string>();
        foreach (var channel in channels.Configured)
        {
            await outbox.EnqueueAsync(new NotificationDraft(id, post.EventKey, channel, post.Kind, title, ChannelPayloads.For(channel, post), now), cancellationToken);
            sentTo.Add(channel);
        }

        var where = sentTo.Count == 0 ? "no chat channel is configured: the review is kept in ShipRoom only" : $"queued in the outbox for {string.Join(", ", sentTo)}";
        await audit.AppendAsync(new AuditEntryDraft(now, RolloutActor.AutomaticName, "cohort-review.posted", id, $"{title}: {where}"), cancellationToken);
        return where;
    }
}
