using Microsoft.Extensions.Logging;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Logging;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>
/// The postmortem a rollback or a failed gate calls for: drafted by ShipRoom from the rollout's own record within a
/// minute of the cause (the background job looks every 30 s), then edited and published by the IC or a PM. The
/// directives give it 24 hours; the dashboard shows the due time until it is published.
/// </summary>
public sealed class PostmortemService(
    IRolloutRepository rollouts,
    IPostmortemRepository postmortems,
    ScorecardService scorecards,
    SnapshotBuilder snapshots,
    IAuditLog audit,
    SnapshotRefresher refresher,
    TimeProvider time,
    ILogger<PostmortemService> logger)
{
    public static readonly TimeSpan DueAfter = TimeSpan.FromHours(24);

    /// <summary>Roles that may edit and publish: the IC and the PMs (and admins).</summary>
    public static IReadOnlyList<string> EditorRoles { get; } = [Roles.IncidentCommander, Roles.ProductManager, Roles.Admin];

    /// <summary>Roles that may edit and publish the win note: the PMs (and admins).</summary>
    public static IReadOnlyList<string> WinNoteEditorRoles { get; } = [Roles.ProductManager, Roles.Admin];

    /// <summary>Who may edit and publish a draft of <paramref name="kind"/>.</summary>
    public static IReadOnlyList<string> EditorsOf(string kind) => kind == DraftKinds.WinNote ? WinNoteEditorRoles : EditorRoles;

    /// <summary>The draft kinds people edit and publish here (the cohort review is published by ShipRoom itself).</summary>
    public static bool IsEditableKind(string kind) => kind is DraftKinds.Postmortem or DraftKinds.WinNote;

    private static string Noun(string kind) => kind == DraftKinds.WinNote ? "win note" : kind == DraftKinds.CohortReview ? "cohort review" : "postmortem";

    private static string AuditPrefix(string kind) => kind == DraftKinds.WinNote ? "winnote" : "postmortem";

    /// <summary>Drafts a postmortem for every recent rollout whose record calls for one and has none yet; returns how many.</summary>
    public Task<int> DraftDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return RolloutSweep.SumAsync(
            rollouts,
            rollout => now - rollout.UpdatedAt <= DueAfter && rollout.Status is not (RolloutStatus.Draft or RolloutStatus.Scheduled or RolloutStatus.Completed),
            async (rollout, token) => await DraftAsync(rollout, token) ? 1 : 0,
            logger,
            "Drafting the postmortem",
            cancellationToken);
    }

    public async Task<bool> DraftAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        if (await postmortems.GetAsync(rollout.Id, cancellationToken) is not null)
        {
            return false;
        }

        var snapshot = snapshots.LastBuilt(rollout.Id) is { } last && last.Version == rollout.Version ? last : await snapshots.BuildAsync(rollout, cancellationToken);
        var fired = snapshot.Verdict?.FiredTriggers.ToList() ?? [];
        var failedGates = FailedGatesAtWindowEnd(snapshot);
        var cause = CauseOf(snapshot, fired, failedGates);
        if (cause is null || await scorecards.BuildAsync(rollout.Id, cancellationToken) is not { } card)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var rollback = snapshot.Status == RolloutStatus.RolledBack || snapshot.Rollback.RequestedAt is not null
            ? new PostmortemRollback(snapshot.Rollback.RequestedAt, snapshot.Rollback.AcknowledgedAt, snapshot.Rollback.CompletedAt, snapshot.Rollback.RecordedOnly, snapshot.Rollback.Budget)
            : null;
        var facts = new PostmortemFacts(
            card,
            cause,
            snapshot.Phases.FirstOrDefault()?.StartedAt,
            fired.Select(t => new PostmortemTrigger(t.Name, t.Action == TriggerAction.Rollback ? "ROLLBACK" : "HOLD", t.Condition, Scrubbed(t.Reason), t.FirstBadMinute, t.FiredAt)).ToList(),
            card.Gates.Where(g => g.Result == ScorecardResults.Fail && failedGates.Contains(g.Key)).ToList(),
            snapshot.Timeline.Where(e => e.Kind != "poll").Select(e => new PostmortemEvent(e.At, e.Kind, e.Actor, e.Summary, Scrubbed(e.Reason), e.Outcome)).ToList(),
            rollback,
            now + DueAfter);
        if (!await postmortems.CreateAsync(rollout.Id, cause, PostmortemDraft.Write(facts), now, now + DueAfter, cancellationToken))
        {
            return false; // another instance drafted it first
        }

        await audit.AppendAsync(new AuditEntryDraft(now, RolloutActor.AutomaticName, "postmortem.drafted", rollout.Id, $"Postmortem drafted: {cause}; due {now + DueAfter:yyyy-MM-dd HH:mm} UTC"), cancellationToken);
        await refresher.RefreshAsync(rollout.Id, cancellationToken);
        return true;
    }

    public Task<PostmortemRecord?> GetAsync(long rolloutId, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem) => postmortems.GetAsync(rolloutId, cancellationToken, kind);

    public Task<IReadOnlyList<PostmortemRecord>> OpenAsync(CancellationToken cancellationToken) => postmortems.ListOpenAsync(cancellationToken);

    /// <summary>Saves an edit: only the IC and PMs (and admins), only while a draft, only over the version the editor saw.</summary>
    public async Task<PostmortemResult> EditAsync(long rolloutId, CommandActor actor, string markdown, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        if (await RefusalAsync(rolloutId, actor, "edit", kind, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (markdown.Length > 100_000)
        {
            return PostmortemResult.Refuse("the draft is longer than 100,000 characters");
        }

        var now = time.GetUtcNow();
        if (!await postmortems.UpdateAsync(rolloutId, markdown, actor.Name, now, expectedVersion, cancellationToken, kind))
        {
            return PostmortemResult.Refuse("someone saved a newer version or published it: reload and edit again", conflict: true);
        }

        await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, $"{AuditPrefix(kind)}.edited", rolloutId, $"{Capital(Noun(kind))} edited ({markdown.Length} characters)"), cancellationToken);
        return PostmortemResult.Ok(await postmortems.GetAsync(rolloutId, cancellationToken, kind));
    }

    public async Task<PostmortemResult> PublishAsync(long rolloutId, CommandActor actor, long expectedVersion, CancellationToken cancellationToken, string kind = DraftKinds.Postmortem)
    {
        if (await RefusalAsync(rolloutId, actor, "publish", kind, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        if (!await postmortems.PublishAsync(rolloutId, actor.Name, now, expectedVersion, cancellationToken, kind))
        {
            return PostmortemResult.Refuse("someone saved a newer version or published it: reload first", conflict: true);
        }

        await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, $"{AuditPrefix(kind)}.published", rolloutId, $"{Capital(Noun(kind))} published"), cancellationToken);
        await refresher.RefreshAsync(rolloutId, cancellationToken);
        return PostmortemResult.Ok(await postmortems.GetAsync(rolloutId, cancellationToken, kind));
    }

    private async Task<PostmortemResult?> RefusalAsync(long rolloutId, CommandActor actor, string what, string kind, CancellationToken cancellationToken)
    {
        var who = kind == DraftKinds.WinNote ? "product managers" : "the Incident Commander and product managers";
        if (!IsEditableKind(kind) || !actor.Roles.Any(EditorsOf(kind).Contains))
        {
            await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, $"{AuditPrefix(kind)}.refused", rolloutId, $"Refused to {what} the {Noun(kind)}: only {who} may"), cancellationToken);
            return PostmortemResult.Refuse($"only {who} may {what} the {Noun(kind)}", forbidden: true);
        }

        var current = await postmortems.GetAsync(rolloutId, cancellationToken, kind);
        return current is null ? PostmortemResult.Refuse($"this rollout has no {Noun(kind)} draft", notFound: true)
            : current.IsPublished ? PostmortemResult.Refuse($"published by {current.PublishedBy} at {current.PublishedAt:yyyy-MM-dd HH:mm} UTC: it is no longer edited", conflict: true)
            : null;
    }

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Recorded text as it may appear in a document others read: personal data and secrets masked.</summary>
    private static string? Scrubbed(string? text) => string.IsNullOrWhiteSpace(text) ? null : PiiScrubber.Scrub(text.Trim());

    /// <summary>The gates RED when the current phase's observation window was complete (a gate RED mid-window has not failed yet).</summary>
    private static HashSet<string> FailedGatesAtWindowEnd(RolloutSnapshot snapshot) =>
        snapshot.Verdict is { } verdict && verdict.Advance.MinutesObserved >= verdict.Advance.MinutesRequired
            ? verdict.Gates.Where(g => g.Status == GateStatus.Red).Select(g => g.Key).ToHashSet()
            : [];

    private static string? CauseOf(RolloutSnapshot snapshot, IReadOnlyList<TriggerVerdict> fired, HashSet<string> failedGates)
    {
        var triggers = string.Join(", ", fired.Select(t => $"{t.Name} ({(t.Action == TriggerAction.Rollback ? "rollback" : "hold")})"));
        if (snapshot.Status == RolloutStatus.RolledBack)
        {
            return fired.Count > 0 ? $"rolled back at {snapshot.CurrentPhase.Name}; trigger fired: {triggers}" : $"rolled back at {snapshot.CurrentPhase.Name} by a person's decision";
        }

        if (fired.Count > 0)
        {
            return $"automatic action at {snapshot.CurrentPhase.Name}; trigger fired: {triggers}";
        }

        return failedGates.Count > 0 ? $"gate failed at the end of the {snapshot.CurrentPhase.Name} window: {string.Join(", ", snapshot.Verdict!.Gates.Where(g => failedGates.Contains(g.Key)).Select(g => g.Name))}" : null;
    }
}

/// <summary>What an edit or publish did: the postmortem as it now stands, or why it was refused.</summary>
public sealed record PostmortemResult(bool Done, PostmortemRecord? Postmortem, string? Problem, bool Forbidden = false, bool Conflict = false, bool NotFound = false)
{
    public static PostmortemResult Ok(PostmortemRecord? postmortem) => new(true, postmortem, null);

    public static PostmortemResult Refuse(string problem, bool forbidden = false, bool conflict = false, bool notFound = false) => new(false, null, problem, forbidden, conflict, notFound);
}
