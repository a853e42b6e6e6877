using System.Globalization;
using ShipRoom.Core.Conditions;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>
/// <c>slos:</c> — service level objectives with their indicator: <c>good:</c>/<c>total:</c> per-minute counters, or
/// <c>metric:</c> + <c>goodWhen:</c> (a minute is good when the condition holds: a time-slice SLI for latency).
/// </summary>
public static partial class PlanParser
{
    private sealed partial class PlanBuilder
    {
        private readonly List<SloDefinition> _slos = [];

        private List<SloDefinition> ReadSlos()
        {
            foreach (var (node, index) in r.Sequence(r.Child(root, "slos"), "slos", required: false).Select((n, i) => (n, i)))
            {
                var field = $"slos[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "key", "name", "objective", "window", "good", "total", "metric", "journey", "goodWhen");
                var key = r.String(map, "key", field);
                if (key is not null)
                {
                    field = $"slos.{key}";
                    if (!Key().IsMatch(key) || key == "any")
                    {
                        r.Error(r.Child(map, "key"), field, $"'{key}' must be lowercase letters, digits, '_', '-' or '.' (and not 'any')");
                    }
                    else if (_slos.Any(s => s.Key == key))
                    {
                        r.Error(r.Child(map, "key"), field, $"SLO '{key}' is declared twice");
                    }
                }

                var objective = r.Number(map, "objective", field, required: true, min: 0.0001m, max: 99.9999m);
                var window = r.Duration(map, "window", field, required: true);
                var good = r.String(map, "good", field, required: false);
                var total = r.String(map, "total", field, required: false);
                var hasRatio = good is not null || total is not null;
                var hasSlices = r.Child(map, "metric") is not null || r.Child(map, "goodWhen") is not null;
                if (hasRatio == hasSlices)
                {
                    r.Error(map, field, "an SLO's indicator is either good: and total: (per-minute counts of good and of all events) or metric: and goodWhen: (a minute is good when the condition holds)");
                    continue;
                }

                SeriesSelector? series = null;
                Condition? goodWhen = null;
                if (hasRatio)
                {
                    foreach (var (metricKey, name) in new[] { (good, "good"), (total, "total") })
                    {
                        if (metricKey is null)
                        {
                            r.Error(map, $"{field}.{name}", "is required with a good/total indicator");
                        }
                        else if (!_metrics.ContainsKey(metricKey))
                        {
                            r.Error(r.Child(map, name), $"{field}.{name}", $"unknown metric '{metricKey}' (define it under metrics:)");
                        }
                    }
                }
                else if (ReadSeries(map, field) is { } s)
                {
                    series = s.Selector;
                    goodWhen = ReadCondition(map, "goodWhen", field, s.Metric);
                    if (goodWhen is RelativeCondition { Mode: not RelativeMode.Within })
                    {
                        r.Error(r.Child(map, "goodWhen"), $"{field}.goodWhen", "goodWhen says what a good minute is: e.g. '<= 120 ms' or 'within 5% of control'");
                    }
                }

                if (key is not null && objective is not null && window is not null)
                {
                    _slos.Add(new SloDefinition(key, r.String(map, "name", field, required: false) ?? key, objective.Value, window.Value, good, total, series, goodWhen));
                }
            }

            return _slos;
        }

        /// <summary><c>signals:</c> — which external signal (p0, p1, pii-risk …) holds or rolls back; each becomes a trigger <c>signal-KIND</c>.</summary>
        private List<SignalRule> ReadSignals(List<TriggerDefinition> triggers)
        {
            var rules = new List<SignalRule>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "signals"), "signals", required: false).Select((n, i) => (n, i)))
            {
                var field = $"signals[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "kind", "action", "name");
                var kind = r.String(map, "kind", field);
                var action = r.Enum<TriggerAction>(map, "action", field);
                if (kind is not null && !Key().IsMatch(kind))
                {
                    r.Error(r.Child(map, "kind"), $"{field}.kind", $"'{kind}' is not a signal kind (lowercase letters, digits, '-', e.g. p0, pii-risk)");
                    continue;
                }

                if (kind is not null && rules.Any(x => x.Kind == kind))
                {
                    r.Error(r.Child(map, "kind"), $"{field}.kind", $"signal '{kind}' is listed twice");
                    continue;
                }

                if (kind is null || action is null)
                {
                    continue;
                }

                var name = r.String(map, "name", field, required: false);
                rules.Add(new SignalRule(kind, action.Value, name));
                triggers.Add(new TriggerDefinition($"signal-{kind}", name ?? $"Signal {kind} raised", null, null, null, null, null, action.Value)
                {
                    When = new SignalCondition($"signal {kind} raised", [kind]),
                });
            }

            return rules;
        }

        /// <summary>
        /// With <c>onBreach:</c> each cap the plan can measure becomes a trigger: transactions and total spend since the
        /// rollout began, the largest single transaction. <c>through:</c> stops them after that phase (the caps are lifted).
        /// </summary>
        private IEnumerable<TriggerDefinition> CapTriggers(PaymentCaps? caps, List<TriggerDefinition> existing)
        {
            if (caps?.OnBreach is not { } action)
            {
                yield break;
            }

            var node = r.Child(root, "paymentCaps");
            var money = caps.Currency == "USD" ? "$" : caps.Currency + " ";
            var measured = new (string? Metric, string MetricKey, PaymentCapKind Kind, string Key, string Name)[]
            {
                (caps.TransactionsMetric, "transactionsMetric", PaymentCapKind.Transactions, "cap-transactions", $"more than {caps.MaxTransactions} live transactions"),
                (caps.LargestTransactionMetric, "largestTransactionMetric", PaymentCapKind.PerTransaction, "cap-per-transaction", $"a transaction over {money}{caps.MaxPerTransaction.ToString("0.##", CultureInfo.InvariantCulture)}"),
                (caps.DollarsMetric, "dollarsMetric", PaymentCapKind.Total, "cap-total", $"more than {money}{caps.MaxTotal.ToString("#,0.##", CultureInfo.InvariantCulture)} in total"),
            };
            foreach (var cap in measured)
            {
                if (cap.Metric is null)
                {
                    r.Error(node, $"paymentCaps.{cap.MetricKey}", $"onBreach enforces the caps from metrics: name the metric that measures {cap.Name[(cap.Name.IndexOf(' ') + 1)..]} ({cap.MetricKey}:)");
                    continue;
                }

                if (existing.Any(t => t.Key == cap.Key))
                {
                    r.Error(node, "paymentCaps", $"trigger key '{cap.Key}' is taken by the caps: rename that trigger");
                    continue;
                }

                yield return new TriggerDefinition(cap.Key, $"Payment cap: {cap.Name}", null, null, null, null, null, action)
                {
                    When = new PaymentCapCondition($"payment cap: {cap.Name}", cap.Kind),
                    ActiveThrough = caps.Through,
                };
            }
        }

        private string? ReadCapScope(YamlMappingNode map)
        {
            var through = r.String(map, "through", "paymentCaps", required: false);
            if (through is not null && !_phases.Any(p => string.Equals(p.Name, through, StringComparison.OrdinalIgnoreCase)))
            {
                r.Error(r.Child(map, "through"), "paymentCaps.through", $"phase '{through}' is not defined under phases:");
                return null;
            }

            return through;
        }
    }
}
