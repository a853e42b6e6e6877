using ShipRoom.Core.Reports;
using System.Text;

namespace ShipRoom.Core.PostSuccess;

/// <summary>One post-success action as carried out: what it was and what really happened (acknowledged, failed, recorded only).</summary>
public sealed record PostSuccessOutcome(string Action, string Outcome, string Detail, DateTimeOffset? DoneAt);

/// <summary>
/// Everything the win note is written from: the scorecard, when the rollout reached 100% and completed, the KPI deltas
/// vs control over the whole canary and over the stable time at 100%, and the post-success actions so far.
/// </summary>
public sealed record WinNoteFacts(
    Scorecard Scorecard,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FullTrafficAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<KpiDelta> WholeCanary,
    IReadOnlyList<KpiDelta> StableAtFull,
    IReadOnlyList<PostSuccessOutcome> Actions,
    DateTimeOffset DueAt);

/// <summary>
/// The internal win note's first draft, as Markdown, from the rollout's own record: what shipped, the anomalies seen
/// and how they were resolved (holds, resumes, triggers that fired), KPI deltas vs control from the stored samples,
/// the post-success actions and what each did, and an empty "Key lessons" section for the PM.
/// </summary>
public static class WinNoteDraft
{
    public static string Write(WinNoteFacts facts)
    {
        var card = facts.Scorecard;
        var md = new StringBuilder();
        md.AppendLine($"# Win note (draft): {PostmortemDraft.Inline(card.Rollout)} {PostmortemDraft.Inline(card.Release)}");
        md.AppendLine();
        md.AppendLine($"- Commit: `{PostmortemDraft.Inline(card.Commit)}`");
        md.AppendLine($"- Started: {(facts.StartedAt is { } s ? PostmortemDraft.At(s) : PostmortemDraft.NotMeasured)}; at 100% from {(facts.FullTrafficAt is { } f ? PostmortemDraft.At(f) : PostmortemDraft.NotMeasured)}; " +
            $"completed {PostmortemDraft.At(facts.CompletedAt)} (UTC, rollout clock)");
        md.AppendLine($"- Gates passed: {card.GatesPassed} of {card.Gates.Count}; triggers fired: {card.TriggersFired}; canary score: {NumberText.Plain(card.CanaryScore)} ({card.CanaryClassification})");
        md.AppendLine($"- Due: {PostmortemDraft.At(facts.DueAt)} (a PM edits and publishes it)");
        md.AppendLine();
        md.AppendLine("## Key lessons");
        md.AppendLine();
        md.AppendLine("_To be written by the PM: what worked, what to keep, what to change for the next release._");
        md.AppendLine();
        md.AppendLine("## Anomalies and how they were resolved");
        md.AppendLine();
        var fired = card.Triggers.Where(t => t.Result == ScorecardResults.Fired).ToList();
        var interventions = card.Decisions.Where(d => d.Kind is "hold" or "resume" or "approve").ToList();
        if (fired.Count == 0 && interventions.Count == 0)
        {
            md.AppendLine("None: no trigger fired, no hold was needed.");
        }

        foreach (var trigger in fired)
        {
            md.AppendLine($"- Trigger **{PostmortemDraft.Inline(trigger.Name)}** fired ({PostmortemDraft.Inline(trigger.Action)}): {PostmortemDraft.Inline(trigger.Evidence)}");
        }

        foreach (var d in interventions)
        {
            md.AppendLine($"- {PostmortemDraft.At(d.At)} **{PostmortemDraft.Inline(d.Kind)}** by {PostmortemDraft.Inline(d.Actor)}: {PostmortemDraft.Inline(d.Outcome)}" +
                (d.Reason is { Length: > 0 } r ? $" — \"{PostmortemDraft.Inline(r)}\"" : ""));
        }

        md.AppendLine();
        WriteDeltas(md, "KPI deltas vs control, stable time at 100%", facts.StableAtFull);
        WriteDeltas(md, "KPI deltas vs control, whole canary", facts.WholeCanary);
        md.AppendLine("## Post-success actions");
        md.AppendLine();
        if (facts.Actions.Count == 0)
        {
            md.AppendLine("None carried out yet.");
        }

        foreach (var action in facts.Actions)
        {
            md.AppendLine($"- {PostmortemDraft.Inline(action.Action)}: {PostmortemDraft.Inline(action.Outcome)}{(action.DoneAt is { } at ? $" at {PostmortemDraft.At(at)}" : "")} — {PostmortemDraft.Inline(action.Detail)}");
        }

        return md.ToString();
    }

    /// <summary>A table of KPI deltas: one row per metric, canary and control means over the paired minutes.</summary>
    public static void WriteDeltas(StringBuilder md, string title, IReadOnlyList<KpiDelta> deltas)
    {
        md.AppendLine($"## {title}");
        md.AppendLine();
        md.AppendLine("Means per minute over the minutes both cohorts reported (overall series, stored samples).");
        md.AppendLine();
        md.AppendLine("| metric | canary | control | delta | minutes |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var d in deltas)
        {
            md.AppendLine($"| {PostmortemDraft.Inline(d.Name)} | {Value(d.Canary, d.Unit)} | {Value(d.Control, d.Unit)} | {d.Describe()} | {d.Minutes} |");
        }

        md.AppendLine();
    }

    private static string Value(double? value, string unit) => value is { } v ? NumberText.WithUnit(v, unit) : "—";
}
