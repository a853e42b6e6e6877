using System.Globalization;
using System.Text;

namespace ShipRoom.Core.Reports;

/// <summary>What fired: a trigger with the condition, the values it saw, when the bad minutes began and when it fired.</summary>
public sealed record PostmortemTrigger(string Name, string Action, string Condition, string? Values, DateTimeOffset? FirstBadMinute, DateTimeOffset? FiredAt);

/// <summary>One line of the rollout's timeline, as recorded.</summary>
public sealed record PostmortemEvent(DateTimeOffset At, string Kind, string Actor, string Summary, string? Reason, string? Outcome);

/// <summary>The rollback as measured: requested, acknowledged by the deploy system, traffic restored; null where nothing was measured.</summary>
public sealed record PostmortemRollback(DateTimeOffset? RequestedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? CompletedAt, bool RecordedOnly, TimeSpan Budget);

/// <summary>Everything the draft is written from: the scorecard plus the facts only the live record holds.</summary>
public sealed record PostmortemFacts(
    Scorecard Scorecard,
    string Cause,
    DateTimeOffset? StartedAt,
    IReadOnlyList<PostmortemTrigger> Triggers,
    IReadOnlyList<ScorecardGate> FailedGates,
    IReadOnlyList<PostmortemEvent> Timeline,
    PostmortemRollback? Rollback,
    DateTimeOffset DueAt);

/// <summary>
/// The first draft of a postmortem as Markdown, from the rollout's own record only. Durations are written only where
/// both ends were recorded; anything else says "not measured". People's text is written as quoted text, so it cannot
/// turn into headings or links of the draft's own structure.
/// </summary>
public static class PostmortemDraft
{
    public const string NotMeasured = "not measured";

    public static string Write(PostmortemFacts facts)
    {
        var card = facts.Scorecard;
        var md = new StringBuilder();
        md.AppendLine($"# Postmortem (draft): {Inline(card.Rollout)} {Inline(card.Release)}");
        md.AppendLine();
        md.AppendLine($"- Commit: `{Inline(card.Commit)}`");
        md.AppendLine($"- Status: {card.Status} at {Inline(card.Phase)}");
        md.AppendLine($"- Cause: {Inline(facts.Cause)}");
        md.AppendLine($"- Due: {At(facts.DueAt)} (24 h after the draft; publish when reviewed)");
        md.AppendLine();
        md.AppendLine("## Trigger and the values that fired it");
        md.AppendLine();
        if (facts.Triggers.Count == 0 && facts.FailedGates.Count == 0)
        {
            md.AppendLine("No automatic trigger fired and no gate failed: the rollback was a person's decision (see Decisions).");
        }

        foreach (var trigger in facts.Triggers)
        {
            md.AppendLine($"- **{Inline(trigger.Name)}** → {trigger.Action}: {Inline(trigger.Condition)}; fired {AtOrNot(trigger.FiredAt)}, bad since {AtOrNot(trigger.FirstBadMinute)}. Values: {Inline(trigger.Values) ?? NotMeasured}");
        }

        foreach (var gate in facts.FailedGates)
        {
            md.AppendLine($"- Gate **{Inline(gate.Name)}** FAILED at {Inline(gate.Phase)}: canary {NumberText.Plain(gate.Canary)}, control {NumberText.Plain(gate.Control)}, limit {Inline(gate.Limit)}. {Inline(gate.Evidence)}");
        }

        md.AppendLine();
        md.AppendLine("## Time to detect and time to roll back");
        md.AppendLine();
        var detectedAt = facts.Triggers.Select(t => t.FiredAt).Where(t => t is not null).Min();
        var badSince = facts.Triggers.Select(t => t.FirstBadMinute).Where(t => t is not null).Min();
        md.AppendLine($"- Time to detect (first bad minute → trigger fired): {Span(badSince, detectedAt)}");
        var rollback = facts.Rollback;
        md.AppendLine($"- Time to roll back (request → deploy system acknowledged): {(rollback is null ? "no rollback" : rollback.RecordedOnly ? NotMeasured + " (recorded only: no deploy system was configured)" : Span(rollback.RequestedAt, rollback.AcknowledgedAt))}");
        md.AppendLine($"- Time to restore (request → traffic restored, as the deploy system reported): {(rollback is null ? "no rollback" : Span(rollback.RequestedAt, rollback.CompletedAt))}");
        if (rollback is not null)
        {
            md.AppendLine($"- Budget: {NumberText.Duration(rollback.Budget)}");
        }

        md.AppendLine();
        md.AppendLine("## Timeline (UTC, rollout clock)");
        md.AppendLine();
        md.AppendLine("| time | what | who | reason | outcome |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var e in facts.Timeline.OrderBy(e => e.At))
        {
            md.AppendLine($"| {At(e.At)} | {Cell(e.Summary)} | {Cell(e.Actor)} | {Cell(e.Reason)} | {Cell(e.Outcome)} |");
        }

        md.AppendLine();
        md.AppendLine("## Decisions and who made them");
        md.AppendLine();
        foreach (var d in card.Decisions)
        {
            md.AppendLine($"- {At(d.At)} **{Inline(d.Kind)}** by {Inline(d.Actor)}: {Inline(d.Outcome)}{(d.Reason is { Length: > 0 } r ? $" — \"{Inline(r)}\"" : "")}");
        }

        md.AppendLine();
        md.AppendLine("## Phase summaries");
        md.AppendLine();
        if (card.Summaries.Count == 0)
        {
            md.AppendLine("None were posted.");
        }

        foreach (var s in card.Summaries)
        {
            md.AppendLine($"- {Inline(s.Phase)}, {Inline(s.Author)} at {At(s.PostedAt)}, recommended {Inline(s.Recommendation)}:");
            foreach (var line in s.Markdown.Split('\n'))
            {
                md.AppendLine($"  > {Inline(line)}");
            }
        }

        md.AppendLine();
        md.AppendLine("## Checklists");
        md.AppendLine();
        foreach (var c in card.Checklists)
        {
            md.AppendLine($"- {Inline(c.Name)}: {c.Done} of {c.Total} done{(c.Open.Count > 0 ? "; open: " + string.Join("; ", c.Open.Select(Inline)) : "")}");
        }

        md.AppendLine();
        md.AppendLine("## What we learned");
        md.AppendLine();
        md.AppendLine("_To be written by the IC and PMs: root cause, what went well, what to change, the fix-forward plan before reattempting._");
        return md.ToString();
    }

    internal static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string AtOrNot(DateTimeOffset? at) => at is { } a ? At(a) : NotMeasured;

    private static string Span(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t && t >= f ? NumberText.Duration(t - f) : NotMeasured;

    /// <summary>Recorded text on one line, with Markdown's structural characters escaped.</summary>
    internal static string? Inline(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.Replace('\r', ' ').Replace('\n', ' ').Trim())
        {
            if ("\\`*_{}[]<>()#+!|".Contains(ch))
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }

    private static string Cell(string? text) => Inline(text) ?? "";
}
