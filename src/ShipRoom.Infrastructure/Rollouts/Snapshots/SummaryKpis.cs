using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Plans;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>One KPI attached to a phase summary, in words: "P95 latency ≤ 130 ms", "GREEN · 96.2 ms (control 94.1 ms)".</summary>
public sealed record SummaryKpi(string Group, string Name, string Text);

/// <summary>
/// Reads the KPIs a phase summary stored when it was posted (JSON, see PhaseSummaryService) back into words, with the
/// plan's units. A summary whose KPIs cannot be read shows none rather than failing the snapshot.
/// </summary>
public static class SummaryKpis
{
    public static (string? Overall, IReadOnlyList<SummaryKpi> Kpis) Read(string json, RolloutPlan plan)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, []);
            }

            var list = new List<SummaryKpi>();
            foreach (var gate in Array(root, "slos"))
            {
                var name = Text(gate, "name");
                var unit = plan.Gates.FirstOrDefault(g => g.Name == name) is { } definition ? UnitOf(plan, definition.Series.MetricKey) : "";
                list.Add(new SummaryKpi("SLOs", name, $"{Text(gate, "status")} · {NumberText.WithUnit(Number(gate, "canary"), unit)} (control {NumberText.WithUnit(Number(gate, "control"), unit)})"));
            }

            foreach (var (group, property) in new[] { ("Payments", "payments"), ("Funnels", "funnels") })
            {
                foreach (var metric in Array(root, property))
                {
                    var name = Text(metric, "name");
                    var unit = plan.Metrics.FirstOrDefault(m => m.Name == name)?.Unit ?? "";
                    list.Add(new SummaryKpi(group, name, $"{NumberText.WithUnit(Number(metric, "canary"), unit)} (control {NumberText.WithUnit(Number(metric, "control"), unit)}, {NumberText.Delta(Number(metric, "deltaPercent"))})"));
                }
            }

            return (root.TryGetProperty("overall", out var overall) && overall.ValueKind == JsonValueKind.String ? overall.GetString() : null, list);
        }
        catch (JsonException)
        {
            return (null, []);
        }
    }

    private static string UnitOf(RolloutPlan plan, string metricKey) => plan.Metrics.FirstOrDefault(m => m.Key == metricKey)?.Unit ?? "";

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList() : [];

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
