using System.Globalization;
using System.Text.RegularExpressions;
using ShipRoom.Core.Conditions;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>
/// Triggers beyond one metric against one limit (docs/plans.md): <c>all:</c>/<c>any:</c> of conditions,
/// <c>consecutive:</c> event runs, <c>count:</c> events in a window, <c>slo:</c> breach, <c>budget:</c> burn,
/// <c>signal:</c>, and <c>cumulative:</c> minutes in breach over the phase.
/// </summary>
public static partial class PlanParser
{
    [GeneratedRegex(@"^\s*>\s*(?<amount>[0-9]+(\.[0-9]+)?)\s*(?<unit>%|m|min|minutes)?\s*$", RegexOptions.CultureInvariant)]
    internal static partial Regex MoreThanPattern();

    private sealed partial class PlanBuilder
    {
        private static readonly string[] ExtendedKeys = ["all", "any", "consecutive", "count", "slo", "budget", "signal", "cumulative"];

        private static readonly string[] LeafKeys = ["metric", "journey", "fires", "consecutive", "count", "slo", "budget", "signal", "all", "any"];

        private bool IsExtendedTrigger(YamlMappingNode map) => ExtendedKeys.Any(k => r.Child(map, k) is not null);

        private void ReadExtendedTrigger(YamlMappingNode map, string field, List<TriggerDefinition> triggers)
        {
            r.OnlyKnownKeys(map, field, [.. LeafKeys, "key", "name", "for", "checks", "cumulative", "action"]);
            var key = ReadTriggerKey(map, ref field, triggers);

            var action = r.Enum<TriggerAction>(map, "action", field);
            var duration = r.Duration(map, "for", field);
            var checks = r.Number(map, "checks", field, min: 1, max: 1000);
            int? cumulative = null;
            if (r.String(map, "cumulative", field, required: false) is { } cumulativeText)
            {
                var match = MoreThanPattern().Match(cumulativeText);
                if (!match.Success || match.Groups["unit"].Value == "%")
                {
                    r.Error(r.Child(map, "cumulative"), $"{field}.cumulative", $"'{cumulativeText}' is not a cumulative limit: write e.g. '> 5m' (fires once the minutes in breach over the phase add up to more than 5)");
                }
                else
                {
                    cumulative = (int)decimal.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
                }

                if (duration is not null || checks is not null)
                {
                    r.Error(r.Child(map, "cumulative"), $"{field}.cumulative", "a cumulative trigger counts minutes in breach over the phase; it has no 'for:' or 'checks:'");
                }
            }

            var when = ReadTriggerCondition(map, field, top: true);
            if (key is null || action is null || when is null)
            {
                return;
            }

            var defaultName = when.Text + (duration is { } d ? $" for {DurationText.Format(d)}" : "") + (cumulative is { } c ? $", more than {c} minutes in the phase" : "");
            triggers.Add(new TriggerDefinition(key, r.String(map, "name", field, required: false) ?? defaultName, null, null, duration, checks is null ? null : (int)checks, null, action.Value)
            {
                When = when,
                CumulativeMoreThan = cumulative,
            });
        }

        /// <summary>One condition of a trigger or of its <c>all:</c>/<c>any:</c>: exactly one kind per mapping.</summary>
        private TriggerCondition? ReadTriggerCondition(YamlMappingNode map, string field, bool top)
        {
            var kinds = new[] { "metric", "all", "any", "consecutive", "count", "slo", "budget", "signal" }.Where(k => r.Child(map, k) is not null).ToList();
            if (kinds.Count != 1)
            {
                r.Error(map, field, kinds.Count == 0
                    ? "say what the condition watches: metric: + fires:, all:, any:, consecutive:, count:, slo:, budget: or signal:"
                    : $"one condition per entry, not {string.Join(" and ", kinds)}: combine them under all: or any:");
                return null;
            }

            if (!top)
            {
                r.OnlyKnownKeys(map, field, LeafKeys);
            }

            switch (kinds[0])
            {
                case "metric":
                    {
                        if (ReadSeries(map, field) is not { } s || ReadCondition(map, "fires", field, s.Metric) is not { } fires)
                        {
                            return null;
                        }

                        if (fires is RelativeCondition { Mode: RelativeMode.Within or RelativeMode.NotWorse })
                        {
                            r.Error(r.Child(map, "fires"), $"{field}.fires", "a trigger fires on what is bad: use 'beyond ... of control' or 'more than ... worse than control'");
                        }

                        return new MetricTriggerCondition($"{s.Metric.Name} {fires.Text}", s.Selector, fires);
                    }

                case "all" or "any":
                    {
                        var all = kinds[0] == "all";
                        var parts = new List<TriggerCondition>();
                        var items = r.Sequence(r.Child(map, kinds[0]), $"{field}.{kinds[0]}");
                        foreach (var (node, index) in items.Select((n, i) => (n, i)))
                        {
                            if (r.Mapping(node, $"{field}.{kinds[0]}[{index}]") is { } part && ReadTriggerCondition(part, $"{field}.{kinds[0]}[{index}]", top: false) is { } condition)
                            {
                                parts.Add(condition);
                            }
                        }

                        if (items.Count < 2)
                        {
                            r.Error(r.Child(map, kinds[0]), $"{field}.{kinds[0]}", $"{kinds[0]}: combines two or more conditions");
                            return null;
                        }

                        return parts.Count == items.Count ? new CombinedTriggerCondition(string.Join(all ? " with " : " or ", parts.Select(p => p.Text)), all, parts) : null;
                    }

                case "consecutive":
                    {
                        var f = $"{field}.consecutive";
                        if (r.Mapping(r.Child(map, "consecutive"), f) is not { } c)
                        {
                            return null;
                        }

                        r.OnlyKnownKeys(c, f, "events", "others", "moreThan");
                        var events = CountMetric(c, "events", f);
                        var others = CountMetric(c, "others", f);
                        var moreThan = r.Number(c, "moreThan", f, required: true, min: 1, max: 100000);
                        return events is null || others is null || moreThan is null ? null
                            : new ConsecutiveEventsCondition($"more than {moreThan} consecutive {events.Name.ToLowerInvariant()}", events.Key, others.Key, (int)moreThan);
                    }

                case "count":
                    {
                        var f = $"{field}.count";
                        if (r.Mapping(r.Child(map, "count"), f) is not { } c)
                        {
                            return null;
                        }

                        r.OnlyKnownKeys(c, f, "metric", "moreThan", "in");
                        var metric = CountMetric(c, "metric", f);
                        var moreThan = r.Number(c, "moreThan", f, required: true, min: 0, max: 1000000);
                        var window = r.Duration(c, "in", f, required: true);
                        return metric is null || moreThan is null || window is null ? null
                            : new EventsInWindowCondition($"more than {moreThan} {metric.Name.ToLowerInvariant()} in {DurationText.Format(window.Value)}", metric.Key, (int)moreThan, window.Value);
                    }

                case "slo":
                    {
                        var sloKey = r.String(map, "slo", field);
                        if (sloKey is null)
                        {
                            return null;
                        }

                        if (sloKey == "any")
                        {
                            if (_slos.Count == 0)
                            {
                                r.Error(r.Child(map, "slo"), $"{field}.slo", "'any' needs at least one SLO under slos:");
                                return null;
                            }

                            var each = _slos.Select(s => (TriggerCondition)new SloBreachCondition($"{s.Name} SLO breach", s.Key)).ToList();
                            return each.Count == 1 ? each[0] : new CombinedTriggerCondition("any SLO breach", false, each);
                        }

                        return FindSlo(map, "slo", field) is { } slo ? new SloBreachCondition($"{slo.Name} SLO breach", slo.Key) : null;
                    }

                case "budget":
                    return ReadBudgetCondition(map, field);

                default:
                    {
                        var kinds2 = r.Strings(map, "signal", field);
                        foreach (var kind in kinds2.Where(k => !Key().IsMatch(k)))
                        {
                            r.Error(r.Child(map, "signal"), $"{field}.signal", $"'{kind}' is not a signal kind (lowercase letters, digits, '-', e.g. p0, pii-risk)");
                        }

                        return kinds2.Count == 0 ? null : new SignalCondition($"signal {string.Join(" or ", kinds2)} raised", kinds2);
                    }
            }
        }

        /// <summary><c>budget: {slo: availability, spent: '&gt; 2%', in: 1h, confirm: 5m}</c>; <c>in: rollout</c> counts since the rollout began.</summary>
        private BudgetBurnCondition? ReadBudgetCondition(YamlMappingNode map, string field)
        {
            var f = $"{field}.budget";
            if (r.Mapping(r.Child(map, "budget"), f) is not { } b)
            {
                return null;
            }

            r.OnlyKnownKeys(b, f, "slo", "spent", "in", "confirm");
            var slo = FindSlo(b, "slo", f);
            var spentText = r.String(b, "spent", f);
            decimal? share = null;
            if (spentText is not null)
            {
                var match = MoreThanPattern().Match(spentText);
                if (match.Success && match.Groups["unit"].Value == "%")
                {
                    share = decimal.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
                }
                else
                {
                    r.Error(r.Child(b, "spent"), $"{f}.spent", $"'{spentText}' is not a budget share: write e.g. '> 2%' (of the SLO window's error budget)");
                }
            }

            var inText = r.String(b, "in", f);
            TimeSpan? window = null;
            var sinceStart = string.Equals(inText, "rollout", StringComparison.OrdinalIgnoreCase);
            if (inText is not null && !sinceStart)
            {
                window = r.Duration(b, "in", f);
            }

            var confirm = r.Duration(b, "confirm", f);
            if (confirm is { } shortWindow && window is { } longWindow && shortWindow >= longWindow)
            {
                r.Error(r.Child(b, "confirm"), $"{f}.confirm", "the confirming window must be shorter than the long one (the SRE workbook uses 1/12: 5m for 1h, 30m for 6h)");
            }

            if (slo is null || share is null || (window is null && !sinceStart))
            {
                return null;
            }

            var over = sinceStart ? "during the rollout" : $"in {DurationText.Format(window!.Value)}";
            var text = $"{slo.Name} error budget spent > {share.Value.ToString(CultureInfo.InvariantCulture)}% {over}"
                       + (confirm is { } c ? $" (confirmed over {DurationText.Format(c)})" : "");
            return new BudgetBurnCondition(text, slo.Key, share.Value, window, sinceStart, confirm);
        }

        private MetricDefinition? CountMetric(YamlMappingNode map, string key, string field)
        {
            var metricKey = r.String(map, key, field);
            if (metricKey is null)
            {
                return null;
            }

            if (!_metrics.TryGetValue(metricKey, out var metric))
            {
                r.Error(r.Child(map, key), $"{field}.{key}", $"unknown metric '{metricKey}' (define it under metrics:)");
                return null;
            }

            if (metric.Unit is not ("count" or ""))
            {
                r.Error(r.Child(map, key), $"{field}.{key}", $"metric '{metricKey}' is in {metric.Unit}: events are counted from a per-minute count (unit: count)");
                return null;
            }

            return metric;
        }

        private SloDefinition? FindSlo(YamlMappingNode map, string key, string field)
        {
            var sloKey = r.String(map, key, field);
            if (sloKey is null)
            {
                return null;
            }

            var slo = _slos.FirstOrDefault(s => s.Key == sloKey);
            if (slo is null)
            {
                r.Error(r.Child(map, key), $"{field}.{key}", $"unknown SLO '{sloKey}' (declare it under slos:{(_slos.Count == 0 ? "" : $"; declared: {string.Join(", ", _slos.Select(s => s.Key))}")})");
            }

            return slo;
        }
    }
}
