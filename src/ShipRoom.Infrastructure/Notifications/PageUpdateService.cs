using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

public enum PageUpdateOutcome
{
    Recorded,
    AlreadyRecorded,
    UnknownRollout,
}

/// <summary>
/// Records what the paging tool reports about a ShipRoom page (acknowledged by whom, resolved, escalated), audits it
/// once, and shows it on the dashboard: the IC sees that the page reached a person.
/// </summary>
public sealed class PageUpdateService(IPageUpdateRepository updates, IRolloutRepository rollouts, IAuditLog audit, SnapshotRefresher refresher, TimeProvider time)
{
    public async Task<PageUpdateOutcome> RecordAsync(PagerDutyPageEvent page, CancellationToken cancellationToken)
    {
        if (await rollouts.GetAsync(page.RolloutId, cancellationToken) is null)
        {
            return PageUpdateOutcome.UnknownRollout;
        }

        var wall = time.GetUtcNow();
        var stored = await updates.InsertAsync(new PageUpdate(page.RolloutId, page.DedupKey, page.Cause, page.EventId, page.EventType, page.Agent, page.IncidentUrl, page.OccurredAt, wall), cancellationToken);
        if (!stored)
        {
            return PageUpdateOutcome.AlreadyRecorded;
        }

        var state = PageUpdate.StateOf(page.EventType);
        await audit.AppendAsync(new AuditEntryDraft(wall, "pagerduty", $"page.{state}", page.RolloutId,
            $"Page {page.DedupKey} ({PageStates.CauseText(page.Cause)}): {PageStates.Describe(state, page.Agent)}", After: page.IncidentUrl), cancellationToken);
        await refresher.RefreshAsync(page.RolloutId, cancellationToken);
        return PageUpdateOutcome.Recorded;
    }
}

/// <summary>The words for a page's state, the same on the dashboard and in the audit log.</summary>
public static class PageStates
{
    /// <summary>The state in words: <paramref name="state"/> is <see cref="PageUpdate.State"/> (acknowledged, resolved …).</summary>
    public static string Describe(string state, string? agent)
    {
        var by = string.IsNullOrWhiteSpace(agent) ? "" : $" by {agent}";
        return state switch
        {
            "triggered" => "paged, not yet acknowledged",
            "acknowledged" => $"acknowledged{by}",
            "unacknowledged" => "no longer acknowledged: paging again",
            "escalated" => $"escalated{by}",
            "reassigned" => $"reassigned{by}",
            "resolved" => $"resolved{by}",
            "reopened" => $"reopened{by}",
            var other => $"{other}{by}",
        };
    }

    public static string CauseText(string cause) => cause switch
    {
        PageCauses.Red => "a gate RED",
        PageCauses.AutomaticHold => "automatic hold",
        PageCauses.AutomaticRollback => "automatic rollback",
        _ => cause,
    };
}
