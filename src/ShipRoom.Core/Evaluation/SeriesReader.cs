using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>Evaluates a condition on the series a selector names, journey by journey, for one minute.</summary>
internal static class SeriesReader
{
    /// <summary>"overall", "overall and each journey (search, checkout)" or "checkout".</summary>
    public static string Describe(SeriesSelector selector, MetricDefinition metric) => selector.Scope switch
    {
        JourneyScope.One => $"{metric.Name}, journey {selector.Journey}",
        JourneyScope.All when metric.Journeys.Count > 0 => $"{metric.Name}, overall and each journey ({string.Join(", ", metric.Journeys)})",
        _ => $"{metric.Name}, overall",
    };

    public static IReadOnlyList<string?> Journeys(SeriesSelector selector, MetricDefinition metric) => selector.Scope switch
    {
        JourneyScope.One => [selector.Journey],
        JourneyScope.All => [null, .. metric.Journeys],
        _ => [null],
    };

    public static IEnumerable<(string? Journey, ConditionResult Result, double? Canary, double? Control)> Evaluate(
        SeriesIndex series, SeriesSelector selector, MetricDefinition metric, Condition condition, DateTimeOffset minute, TimeSpan sigmaHistory)
    {
        foreach (var journey in Journeys(selector, metric))
        {
            var canary = series.ValueAt(metric.Key, Cohort.Canary, journey, minute);
            var control = series.ValueAt(metric.Key, Cohort.Control, journey, minute);
            var distribution = condition is RelativeCondition { Unit: RelativeUnit.Sigma }
                ? series.ControlDistribution(metric.Key, journey, minute - sigmaHistory, minute.AddMinutes(1))
                : null;
            yield return (journey, ConditionEvaluator.Evaluate(condition, canary, control, distribution, metric.Better), canary, control);
        }
    }
}
