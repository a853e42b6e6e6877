using ShipRoom.Core.Reports;
using System.Text;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.PostSuccess;

/// <summary>
/// The cohort review the plan schedules after GA (<c>postSuccess.cohortReview</c>, 7 days in the directives): the
/// plan's review metrics (funnels and conversion, ARPU, payments, unit economics, as the plan measures them), canary vs
/// control, grouped by panel, from the stored samples, with the span of samples it rests on stated.
/// </summary>
public static class CohortReviewReport
{
    public static string Title(string rollout, string release, TimeSpan after) => $"{Span(after)} cohort review: {rollout} {release}";

    /// <summary>"7-day" for whole days, otherwise the span as the dashboard writes it.</summary>
    public static string Span(TimeSpan after) => after.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(int)after.TotalDays}-day" : NumberText.Duration(after);

    public static string Write(string rollout, string release, DateTimeOffset completedAt, DateTimeOffset dueAt, DateTimeOffset? firstSample, DateTimeOffset? lastSample, IReadOnlyList<KpiDelta> deltas)
    {
        var md = new StringBuilder();
        md.AppendLine($"Due {PostmortemDraft.At(dueAt)} UTC, {(dueAt - completedAt is var after && after.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(int)after.TotalDays} days" : NumberText.Duration(dueAt - completedAt))} after GA ({PostmortemDraft.At(completedAt)} UTC).");
        md.AppendLine(firstSample is { } first && lastSample is { } last
            ? $"From the stored samples {PostmortemDraft.At(first)} – {PostmortemDraft.At(last)} UTC (canary vs control, means per minute over the minutes both cohorts reported)."
            : "No stored samples: nothing measured.");
        foreach (var panel in deltas.GroupBy(d => d.Panel).OrderBy(g => g.Key))
        {
            md.AppendLine();
            md.AppendLine($"{PanelName(panel.Key)}:");
            foreach (var d in panel)
            {
                md.AppendLine($"• {d.Name}: canary {Value(d.Canary, d.Unit)}, control {Value(d.Control, d.Unit)}: {d.Describe()} ({d.Minutes} min)");
            }
        }

        return md.ToString().TrimEnd();
    }

    public static string PanelName(MetricPanel panel) => panel switch
    {
        MetricPanel.Funnels => "Funnels and conversion",
        MetricPanel.UnitEconomics => "Unit economics",
        MetricPanel.Payments => "Payments and revenue",
        _ => panel.ToString(),
    };

    private static string Value(double? value, string unit) => value is { } v ? NumberText.WithUnit(v, unit) : "—";
}
