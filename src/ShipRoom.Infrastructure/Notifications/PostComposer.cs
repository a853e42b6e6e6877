using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Conditions;
using System.Globalization;
using System.Text;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Logging;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// Turns an event and the rollout's snapshot into a post: fills the kind's template with the snapshot's numbers,
/// decides the severity, and tags the executive approver on YELLOW, RED or a margin deviation over 3%. Every value
/// from people or metrics is scrubbed of PII and secrets; roster contacts (phones, e-mail) are never included.
/// </summary>
public static class PostComposer
{
    public const double MarginDeviationPercent = 3;
    private const int MaxValueLength = 1500;

    /// <summary>Kinds that report on the rollout's state, and so tag the executive when it is YELLOW or RED.</summary>
    private static readonly HashSet<string> StatusKinds =
    [
        PostKinds.CadenceReport, PostKinds.GateResults, PostKinds.TriggerFired, PostKinds.Hold, PostKinds.Rollback, PostKinds.ApprovalRequested, PostKinds.Advance,
    ];

    public static ShipRoomPost Compose(PostEvent e, RolloutSnapshot snapshot, RolloutPlan plan, string template, string? dashboardBaseUrl)
    {
        var dashboard = dashboardBaseUrl is { Length: > 0 } baseUrl ? $"{baseUrl.TrimEnd('/')}/rollouts/{snapshot.Id}" : null;
        var values = Values(e, snapshot, plan);
        values["dashboard"] = dashboard;
        var (title, body) = PostTemplate.Render(template, values);
        var (mention, reason) = StatusKinds.Contains(e.Kind) ? ExecutiveAttention(snapshot)
            : e.Kind == PostKinds.ExecutiveUpdate ? (ExecutiveHandle(snapshot), "the executive's scheduled update") : (null, null);
        return new ShipRoomPost(e.Kind, e.EventKey, snapshot.Id, SeverityOf(e, snapshot), title, body, dashboard, mention, reason, snapshot.BuiltAt);
    }

    /// <summary>The executive's chat handle and why, when any gate is YELLOW or RED or the margin deviates more than 3% from control.</summary>
    public static (string? Handle, string? Reason) ExecutiveAttention(RolloutSnapshot snapshot)
    {
        var reasons = new List<string>();
        var gates = snapshot.Verdict?.Gates ?? [];
        var red = gates.Where(g => g.Status == GateStatus.Red).Select(g => g.Name).ToList();
        var yellow = gates.Where(g => g.Status == GateStatus.Yellow).Select(g => g.Name).ToList();
        if (red.Count > 0)
        {
            reasons.Add($"RED: {string.Join(", ", red)}");
        }

        if (yellow.Count > 0)
        {
            reasons.Add($"YELLOW: {string.Join(", ", yellow)}");
        }

        reasons.AddRange(MarginDeviations(snapshot));

        if (reasons.Count == 0)
        {
            return (null, null);
        }

        return ExecutiveHandle(snapshot) is { } handle ? (handle, Clean(string.Join("; ", reasons))) : (null, null);
    }

    private static string? ExecutiveHandle(RolloutSnapshot snapshot) =>
        snapshot.Roster.FirstOrDefault(r => r.ShipRoomRole == Roles.ExecutiveApprover && !string.IsNullOrWhiteSpace(r.Entry?.PrimaryChat))?.Entry!.PrimaryChat!.Trim();

    /// <summary>Each margin metric (key or name containing "margin") more than 3% from control, in words.</summary>
    public static IEnumerable<string> MarginDeviations(RolloutSnapshot snapshot) =>
        MarginMetrics(snapshot).Where(m => m.DeltaPercent is { } d && Math.Abs(d) > MarginDeviationPercent)
            .Select(m => $"{m.Name} deviates {Core.NumberText.Delta(m.DeltaPercent)} from control (more than {MarginDeviationPercent}%)");

    private static IEnumerable<MetricSnapshot> MarginMetrics(RolloutSnapshot snapshot) =>
        snapshot.Panels.SelectMany(p => p.Metrics).Where(m => m.Key.Contains("margin", StringComparison.OrdinalIgnoreCase) || m.Name.Contains("margin", StringComparison.OrdinalIgnoreCase));

    private static PostSeverity SeverityOf(PostEvent e, RolloutSnapshot snapshot)
    {
        var gates = snapshot.Verdict?.Gates ?? [];
        if (e.Kind == PostKinds.Rollback || (e.Kind == PostKinds.TriggerFired && e.Trigger?.Action == TriggerAction.Rollback)
            || snapshot.Verdict?.Recommendation.Kind == RecommendationKind.Rollback || gates.Any(g => g.Status == GateStatus.Red))
        {
            return PostSeverity.Critical;
        }

        if (e.Kind is PostKinds.Hold or PostKinds.TriggerFired or PostKinds.ApprovalRequested || gates.Any(g => g.Status == GateStatus.Yellow)
            || snapshot.Verdict?.Recommendation.Kind == RecommendationKind.Hold)
        {
            return PostSeverity.Warning;
        }

        return e.Kind is PostKinds.Complete or PostKinds.Advance or PostKinds.ApprovalGiven || snapshot.Verdict?.Overall == GateStatus.Green ? PostSeverity.Good : PostSeverity.Info;
    }

    private static Dictionary<string, string?> Values(PostEvent e, RolloutSnapshot snapshot, RolloutPlan plan)
    {
        var verdict = snapshot.Verdict;
        var phase = snapshot.CurrentPhase;
        var definition = plan.Phases[Math.Clamp(snapshot.PhaseIndex, 0, plan.Phases.Count - 1)];
        var next = snapshot.PhaseIndex + 1 < snapshot.Phases.Count ? snapshot.Phases[snapshot.PhaseIndex + 1].Name : "done";
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["rollout"] = Clean(snapshot.Name),
            ["release"] = Clean(snapshot.Release.Version),
            ["commit"] = Clean(snapshot.Release.Commit),
            ["phase"] = Clean(phase.Name),
            ["traffic"] = $"{phase.TrafficPercent.ToString("0.##", CultureInfo.InvariantCulture)}% of traffic",
            ["status"] = snapshot.Status.ToString(),
            ["time"] = $"{snapshot.Now:yyyy-MM-dd HH:mm} UTC",
            ["recommendation"] = verdict?.Recommendation.Text ?? "NO DATA",
            ["overall"] = verdict?.OverallText ?? "NO DATA",
            ["reasons"] = Clean(string.Join("; ", verdict?.Recommendation.Reasons.Take(3) ?? [])),
            ["score"] = verdict?.Judgement.Score is { } score ? $"{score:0}/100 {verdict.Judgement.ClassificationText}" : "not enough data",
            ["observed"] = verdict is null ? null : $"{verdict.Advance.MinutesObserved} of {verdict.Advance.MinutesRequired} min",
            ["cadence"] = DurationText.Format(definition.ReportEvery),
            ["region"] = Clean(snapshot.Release.Region),
            ["region_rationale"] = Clean(snapshot.Release.RegionRationale),
            ["scope"] = Clean(snapshot.Release.Scope),
            ["phases"] = string.Join(" → ", snapshot.Phases.Select(p => $"{p.Name} for {p.ObserveMinutes} min")),
            ["t0"] = snapshot.Release.T0 is { } t0 ? $"{t0:yyyy-MM-dd HH:mm} UTC" : null,
            ["roster"] = Roster(snapshot),
            ["routing"] = Clean(snapshot.Release.CanaryRoutingKey),
            ["blast_radius"] = Clean(string.Join("; ", snapshot.Release.BlastRadius)),
            ["rollback_runbook"] = Clean(snapshot.Release.RollbackRunbook),
            ["rollback_budget"] = DurationText.Format(plan.RollbackBudget),
            ["next_phase"] = next,
            ["latency"] = PanelLines(snapshot, MetricPanel.Latency),
            ["errors"] = PanelLines(snapshot, MetricPanel.Errors),
            ["payments"] = Payments(snapshot),
            ["budget"] = verdict is null || verdict.Budgets.Count == 0 ? null : string.Join("; ", verdict.Budgets.Select(b => b.Text)),
            ["signals"] = Signals(verdict),
            ["cache_db"] = Join(PanelLines(snapshot, MetricPanel.Cache), PanelLines(snapshot, MetricPanel.Database)),
            ["economics"] = PanelLines(snapshot, MetricPanel.UnitEconomics),
            ["anomalies"] = Anomalies(snapshot),
            ["probes"] = Probes(snapshot),
            ["gates"] = Gates(verdict),
            ["advance"] = verdict is null ? null : verdict.Advance.MayAdvance ? "may advance" : Clean(string.Join("; ", verdict.Advance.Missing.Take(3))),
            ["approver"] = verdict?.Advance.ApprovalRole ?? plan.ApprovalToLeave(Math.Clamp(snapshot.PhaseIndex, 0, plan.Phases.Count - 1))?.Role,
            ["missing"] = verdict is null ? null : Clean(string.Join("; ", verdict.Advance.Missing.Take(3))),
        };
        Checklists(snapshot, values);
        if (e.Kind == PostKinds.CadenceReport)
        {
            values["cadence"] = DurationText.Format(NotificationPlanner.ReportInterval(plan));
            // A preview (GET /report) is not a slot: it is named by the interval, as the cadence it belongs to.
            values["slot"] = values["cadence"];
            if (e.EventKey.Split(":t+") is [_, var minutes])
            {
                values["slot"] = $"T+{minutes}m";
            }
        }

        if (e.Executive is { } slot)
        {
            values["update_name"] = Clean(slot.Update.Name);
            values["slot"] = $"{slot.LocalText} {slot.ZoneText}";
            values["blockers"] = Blockers(snapshot);
        }

        if (e.PhaseIndex is { } phaseIndex && phaseIndex != snapshot.PhaseIndex && snapshot.Phases.ElementAtOrDefault(phaseIndex) is { } past)
        {
            // Gate results of a phase the rollout has already left: that phase's own gates, judged over its window.
            values["phase"] = Clean(past.Name);
            values["traffic"] = $"{past.TrafficPercent.ToString("0.##", CultureInfo.InvariantCulture)}% of traffic";
            values["gates"] = e.GateLines ?? "not judged (no samples stored for that phase)";
            values["overall"] = e.GateOverall ?? "NO DATA";
            values["observed"] = $"{past.ObserveMinutes} of {past.ObserveMinutes} min";
            values["advance"] = snapshot.PhaseIndex > phaseIndex ? $"moved on to {snapshot.CurrentPhase.Name}" : null;
        }

        if (e.Decision is { } decision)
        {
            values["actor"] = Clean(decision.Actor);
            values["reason"] = Clean(decision.Reason);
            values["outcome"] = decision.Outcome == DecisionOutcome.Failed ? Clean($"FAILED: {decision.Error}")
                : decision.RecordedOnly ? "recorded only — carry it out by runbook: no deploy system is configured"
                : Clean(decision.Detail ?? decision.Outcome.ToString());
            values["result"] = decision.Outcome == DecisionOutcome.Failed ? "the deploy system FAILED to carry it out"
                : decision.RecordedOnly ? "recorded only, not sent anywhere: carry it out by runbook"
                : decision.AcknowledgedAt is not null ? "acknowledged by the deploy system"
                : "done";
            values["time_to_rollback"] = decision.AcknowledgedAt is { } ack ? Core.NumberText.Duration(ack - decision.RequestedAt)
                : decision.RecordedOnly ? "not measured (nothing was sent to a deploy system)"
                : "not acknowledged";
        }

        if (e.Summary is { } summary)
        {
            values["actor"] = Clean(summary.Author);
            values["summary"] = Clean(summary.Markdown);
            values["summary_recommendation"] = Clean(summary.Recommendation);
            values["phase"] = Clean(snapshot.Phases.ElementAtOrDefault(summary.PhaseIndex)?.Name ?? phase.Name);
        }

        if (e.Trigger is { } trigger)
        {
            values["trigger"] = Clean(trigger.Name);
            values["action"] = trigger.Action == TriggerAction.Rollback ? "ROLLBACK" : "HOLD";
            values["condition"] = Clean(trigger.Condition);
            values["held"] = Core.NumberText.Duration(trigger.HeldFor);
            values["detail"] = Clean(trigger.Reason);
        }

        return values;
    }

    private static void Checklists(RolloutSnapshot snapshot, Dictionary<string, string?> values)
    {
        var items = snapshot.Checklists.Where(c => !c.AfterSuccess).SelectMany(c => c.Items).ToList();
        var t0 = snapshot.Release.T0;
        bool DueBy(ChecklistItemSnapshot item, int minutesBeforeT0) => t0 is null || item.Due is null || item.Due <= t0.Value.AddMinutes(-minutesBeforeT0);
        var twoHours = items.Where(i => DueBy(i, 120)).ToList();
        values["checklist"] = twoHours.Count == 0 ? null : $"{twoHours.Count(i => i.IsClosed)} of {twoHours.Count} done";
        var preflight = items.Where(i => DueBy(i, 60)).ToList();
        values["preflight"] = preflight.Count == 0 ? "has no items" : $"{preflight.Count(i => i.IsClosed)} of {preflight.Count} done";
        values["preflight_open"] = Clean(string.Join("; ", preflight.Where(i => !i.IsClosed).Select(i => $"{i.Title} ({i.OwnerRole})")));
        var security = preflight.Where(i => i.OwnerRole == Roles.SecurityLead).ToList();
        values["security_signoff"] = security.Count == 0 ? "no security item on the checklist"
            : security.All(i => i.IsClosed) ? Clean("signed off " + string.Join("; ", security.Select(i => i.At is { } at ? $"at {at:HH:mm} UTC" : "").Distinct()))
            : "NOT YET signed off";
    }

    /// <summary>What blocks the rollout, with an owner and a due time: RED gates (the IC's) and open checklist items.</summary>
    private static string Blockers(RolloutSnapshot snapshot)
    {
        string Owner(string role)
        {
            var entry = snapshot.Roster.FirstOrDefault(r => r.Role == role || r.ShipRoomRole == role);
            var who = entry?.Entry?.PrimaryChat is { Length: > 0 } chat ? chat : entry?.Entry?.PrimaryName is not null ? "assigned" : "no one on the roster";
            return $"{entry?.Title ?? role}: {who}";
        }

        var lines = (snapshot.Verdict?.Gates ?? []).Where(g => g.Status == GateStatus.Red).Select(g => $"• RED gate {g.Name} — {Owner(Roles.IncidentCommander)}, now")
            .Concat(snapshot.Checklists.Where(c => !c.AfterSuccess || snapshot.Status == RolloutStatus.Completed).SelectMany(c => c.Items).Where(i => !i.IsClosed)
                .OrderBy(i => i.Due ?? DateTimeOffset.MaxValue)
                .Select(i => $"• {i.Title} — {Owner(i.OwnerRole)}, {(i.Due is { } due ? $"due {due:yyyy-MM-dd HH:mm} UTC" : "no due time")}{(i.Overdue ? " (OVERDUE)" : "")}"))
            .ToList();
        return lines.Count == 0 ? "none" : Clean(string.Join('\n', lines.Take(10)) + (lines.Count > 10 ? $"\n… and {lines.Count - 10} more on the dashboard" : "")) ?? "none";
    }

    private static string Roster(RolloutSnapshot snapshot)
    {
        var lines = snapshot.Roster.Select(r =>
        {
            // Chat handles only: names, phone numbers and e-mail addresses stay on the dashboard.
            var primary = r.Entry?.PrimaryChat is { Length: > 0 } p ? p : r.Entry?.PrimaryName is not null ? "assigned (no chat handle)" : "MISSING";
            var backup = r.Entry?.BackupChat is { Length: > 0 } b ? b : r.Entry?.BackupName is not null ? "assigned" : "missing";
            return $"• {r.Title}: {primary} (backup {backup})";
        });
        return Clean(string.Join('\n', lines)) ?? "none";
    }

    private static string? PanelLines(RolloutSnapshot snapshot, MetricPanel panel)
    {
        var metrics = snapshot.Panels.FirstOrDefault(p => p.Panel == panel)?.Metrics ?? [];
        if (metrics.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var metric in metrics)
        {
            text.Append("• ").Append(MetricLine(metric)).Append('\n');
            var journeys = metric.Journeys.Where(j => j.Canary is not null || j.Control is not null).ToList();
            if (journeys.Count > 0)
            {
                text.Append("   by journey: ").Append(string.Join("; ", journeys.Select(j => $"{j.Journey} {Core.NumberText.WithUnit(j.Canary, metric.Unit)} vs {Core.NumberText.WithUnit(j.Control, metric.Unit)}"))).Append('\n');
            }
        }

        // Plan names and numbers only: nothing here comes from a person, and scrubbing would mangle figures.
        return text.ToString().TrimEnd('\n');
    }

    public static string MetricLine(MetricSnapshot metric) =>
        $"{metric.Name}: {Core.NumberText.WithUnit(metric.Canary, metric.Unit)} vs {Core.NumberText.WithUnit(metric.Control, metric.Unit)} ({Core.NumberText.Delta(metric.DeltaPercent)})" +
        (metric.GateStatus is { } status ? $" {status.ToText()}" : "");

    /// <summary>Signals that fired a trigger: kind, who raised it, from where. Their summaries come from outside and are scrubbed.</summary>
    private static string? Signals(RolloutVerdict? verdict)
    {
        var raised = (verdict?.Triggers ?? []).SelectMany(t => t.Signals).DistinctBy(s => s.Id).ToList();
        return raised.Count == 0 ? null : Clean(string.Join("; ", raised.Select(s => $"{s.Kind} raised by {s.RaisedBy} via {s.Source} at {s.RaisedAt:HH:mm} UTC: {s.Summary}")));
    }

    private static string? Payments(RolloutSnapshot snapshot)
    {
        var lines = PanelLines(snapshot, MetricPanel.Payments);
        if (snapshot.PaymentCaps is { } caps)
        {
            var capLine = $"• Caps: {caps.Transactions} of {caps.MaxTransactions} transactions, {caps.Dollars.ToString("N0", CultureInfo.InvariantCulture)} of {caps.MaxDollars.ToString("N0", CultureInfo.InvariantCulture)} {caps.Currency} (max {caps.MaxPerTransaction.ToString("0.##", CultureInfo.InvariantCulture)} each"
                + (caps.LargestTransaction is { } largest ? $", largest {largest.ToString("0.##", CultureInfo.InvariantCulture)})" : ")")
                + (caps.Lifted ? $"; lifted after {caps.Through}" : caps.LiftPending ? $"; lift pending after {caps.Through} (not acknowledged), caps still hold" : caps.OnBreach is { } action ? $"; {action} on breach" : "")
                + (caps.Exceeded && !caps.Lifted ? " EXCEEDED" : "");
            lines = Join(lines, capLine);
        }

        return lines;
    }

    /// <summary>The three things most worth a look: gates not GREEN (worst first), then the metrics furthest on their bad side of control.</summary>
    public static IReadOnlyList<string> TopAnomalies(RolloutSnapshot snapshot)
    {
        var gates = (snapshot.Verdict?.Gates ?? [])
            .Where(g => g.Status != GateStatus.Green)
            .OrderBy(g => g.Status switch { GateStatus.Red => 0, GateStatus.Yellow => 1, _ => 2 })
            .Select(g => $"{g.Status.ToText()}: {g.Name}: {g.Reason}");
        var metrics = snapshot.Panels.SelectMany(p => p.Metrics)
            .Select(m => (Metric: m, Worse: m.DeltaPercent is { } d ? (m.Better == BetterDirection.Lower ? d : -d) : 0))
            .Where(x => x.Worse > 1)
            .OrderByDescending(x => x.Worse)
            .Select(x => $"{x.Metric.Name} {Core.NumberText.Delta(x.Metric.DeltaPercent)} vs control ({Core.NumberText.WithUnit(x.Metric.Canary, x.Metric.Unit)} vs {Core.NumberText.WithUnit(x.Metric.Control, x.Metric.Unit)})");
        return gates.Concat(metrics).Take(3).ToList();
    }

    private static string Anomalies(RolloutSnapshot snapshot)
    {
        var top = TopAnomalies(snapshot);
        return top.Count == 0 ? "• none" : string.Join('\n', top.Select((a, i) => $"{i + 1}. {a}"));
    }

    private static string Probes(RolloutSnapshot snapshot) =>
        snapshot.Probes.Count == 0 ? "none configured"
            : Clean(string.Join("; ", snapshot.Probes.Select(p => p.Passed switch
            {
                true => $"{p.Name} PASS",
                false => $"{p.Name} FAIL ({p.ConsecutiveFailures} in a row{(p.Reason is null ? "" : ": " + p.Reason)})",
                null => $"{p.Name} not run yet",
            }))) ?? "none";

    private static string? Gates(RolloutVerdict? verdict) =>
        verdict is null ? null : string.Join('\n', verdict.Gates.Select(g =>
            $"• {g.Status.ToText()} {g.Name}: canary {Core.NumberText.Plain(g.Canary)}, control {Core.NumberText.Plain(g.Control)}, limit {g.Limit}; GREEN {g.MinutesGreen} of {g.WindowMinutes} min"));

    private static string? Join(string? first, string? second) => first is null ? second : second is null ? first : first + "\n" + second;

    /// <summary>People's and systems' text as it may appear in a post: PII and secrets masked, length bounded.</summary>
    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var scrubbed = PiiScrubber.Scrub(text.Trim());
        return scrubbed.Length <= MaxValueLength ? scrubbed : scrubbed[..MaxValueLength] + "…";
    }
}
