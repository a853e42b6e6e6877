using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>What a page is about; one PagerDuty dedup key per rollout and cause.</summary>
public static class PageCauses
{
    public const string Red = "red";
    public const string AutomaticHold = "hold";
    public const string AutomaticRollback = "rollback";

    /// <summary>A margin metric more than 3% from control: paged only when a roster role asks for it (roster <c>page: [margin]</c>).</summary>
    public const string Margin = "margin";
}

/// <summary>A person the plan's roster names on a page: the role's title and the primary's chat handle (never a phone number or e-mail).</summary>
public sealed record PageRecipient(string Role, string Title, string? Chat);

/// <summary>
/// One page to send: <see cref="Action"/> is <c>trigger</c> or <c>resolve</c>. <see cref="EventKey"/> names it in the
/// outbox (once per channel, whatever the instance); <see cref="DedupKey"/> is what PagerDuty groups by.
/// </summary>
public sealed record PageEvent(string Action, string Cause, string EventKey, string DedupKey, long RolloutId, string Summary, string Severity, string? Release, string? Phase)
{
    /// <summary>Who the roster says is paged for this cause ("page me on any RED").</summary>
    public IReadOnlyList<PageRecipient> Recipients { get; init; } = [];
}

/// <summary>
/// Which pages a rollout is due, from its snapshot, its decisions and the page events already queued:
/// RED (any gate RED on a live rollout) pages and resolves when no gate is RED or the rollout ends, episode by episode;
/// every automatic hold pages and resolves when the rollout is no longer held; every automatic rollback pages and
/// resolves when the deploy system reports traffic restored (a rollback recorded only, with no deploy system, stays
/// open for a person to resolve).
/// </summary>
public static class PagePlanner
{
    public const string Trigger = "trigger";
    public const string Resolve = "resolve";

    public static IReadOnlyList<PageEvent> Due(RolloutSnapshot snapshot, IReadOnlyList<DecisionRecord> decisions, IReadOnlySet<string> queued, DateTimeOffset wallNow, TimeSpan lookBack)
    {
        var pages = new List<PageEvent>();
        var id = snapshot.Id;
        var release = $"{snapshot.Name} {snapshot.Release.Version}";
        var phase = snapshot.CurrentPhase.Name;

        // RED, in episodes: trigger n when RED and episode n-1 is resolved (or none), resolve n when it clears.
        var red = snapshot.IsLive && snapshot.Verdict is { } verdict ? verdict.Gates.Where(g => g.Status == GateStatus.Red).Select(g => g.Name).ToList() : [];
        Episodes(PageCauses.Red, red.Count > 0, $"RED on {release} at {phase}: {string.Join(", ", red)}", $"No gate RED on {release} any more", "critical");

        // A margin deviation is paged only where a role asked for it: it is the executive's risk signal, not an outage.
        if (snapshot.Roster.Any(r => r.PageOn.Contains(PageCauses.Margin)))
        {
            var margins = snapshot.IsLive ? PostComposer.MarginDeviations(snapshot).ToList() : [];
            Episodes(PageCauses.Margin, margins.Count > 0, $"Margin deviation on {release} at {phase}: {string.Join("; ", margins)}", $"Margin back within {PostComposer.MarginDeviationPercent}% of control on {release}", "warning");
        }

        foreach (var decision in decisions.Where(d => d.Actor == RolloutActor.AutomaticName && d.Outcome == DecisionOutcome.Executed && d.Kind is RolloutCommand.Hold or RolloutCommand.RollBack).OrderBy(d => d.Id))
        {
            var cause = decision.Kind == RolloutCommand.Hold ? PageCauses.AutomaticHold : PageCauses.AutomaticRollback;
            var name = $"d{decision.Id}";
            var triggered = queued.Contains(Key(id, cause, name, Trigger));
            if (!triggered && decision.RequestedAt >= wallNow - lookBack)
            {
                var what = cause == PageCauses.AutomaticHold ? "held" : "rolled back";
                pages.Add(Page(Trigger, cause, name, $"ShipRoom {what} {release} at {phase} automatically: {PostComposer.Clean(decision.Reason) ?? "a trigger fired"}", cause == PageCauses.AutomaticHold ? "error" : "critical"));
                continue;
            }

            var cleared = cause == PageCauses.AutomaticHold
                ? snapshot.Status != RolloutStatus.Held || decisions.Any(d => d.Id > decision.Id && d.Outcome == DecisionOutcome.Executed && d.Kind is RolloutCommand.Resume or RolloutCommand.RollBack)
                : snapshot.Rollback.CompletedAt is not null;
            if (triggered && cleared && !queued.Contains(Key(id, cause, name, Resolve)))
            {
                var how = cause == PageCauses.AutomaticHold ? $"no longer held ({snapshot.Status.ToText().ToLowerInvariant()})" : "the deploy system reports traffic restored";
                pages.Add(Page(Resolve, cause, name, $"{release}: {how}", "info"));
            }
        }

        return pages;

        void Episodes(string cause, bool active, string triggerSummary, string resolveSummary, string severity)
        {
            var episode = 0;
            while (queued.Contains(Key(id, cause, Episode(episode + 1), Trigger)))
            {
                episode++;
            }

            var open = episode > 0 && !queued.Contains(Key(id, cause, Episode(episode), Resolve));
            if (active && !open)
            {
                pages.Add(Page(Trigger, cause, Episode(episode + 1), triggerSummary, severity));
            }
            else if (!active && open)
            {
                pages.Add(Page(Resolve, cause, Episode(episode), $"{resolveSummary} ({snapshot.Status.ToText().ToLowerInvariant()} at {phase})", "info"));
            }
        }

        PageEvent Page(string action, string cause, string name, string summary, string severity) =>
            new(action, cause, Key(id, cause, name, action), $"shiproom-{id}-{cause}", id, summary, severity, release, phase)
            {
                Recipients = snapshot.Roster.Where(r => r.PageOn.Contains(cause)).Select(r => new PageRecipient(r.Role, r.Title, r.Entry?.PrimaryChat)).ToList(),
            };
    }

    public static bool IsPageKey(string eventKey) => eventKey.StartsWith("page:", StringComparison.Ordinal);

    private static string Episode(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Key(long rolloutId, string cause, string name, string action) => $"page:{rolloutId}:{cause}:{name}:{action}";
}
