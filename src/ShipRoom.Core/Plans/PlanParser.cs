using System.Globalization;
using System.Text.RegularExpressions;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Security;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>
/// Reads a plan file (YAML) into a <see cref="RolloutPlan"/>, collecting every problem with its line and column rather
/// than stopping at the first. The YAML is read as a plain node tree: no type is ever constructed from the file.
/// </summary>
public static partial class PlanParser
{
    /// <summary>Plans are a few kilobytes; anything this large is a mistake or an attack.</summary>
    public const int MaxPlanBytes = 256 * 1024;

    /// <summary>Kayenta's defaults: a canary scoring 75 or more passes, 50 or more is marginal.</summary>
    public const double DefaultPassScore = 75;

    public const double DefaultMarginalScore = 50;

    /// <summary>A plan nests about five levels; the YAML library recurses once per level, so depth is bounded before it reads.</summary>
    public const int MaxNestingDepth = 32;

    private static readonly string[] TopLevelKeys = ["release", "settings", "metrics", "phases", "gates", "triggers", "approvals", "paymentCaps", "judgement", "roster", "checklists", "probes", "slos", "signals", "postSuccess"];

    public static PlanParseResult Parse(string yaml, string fileName)
    {
        var reader = new YamlReader(fileName);
        if (System.Text.Encoding.UTF8.GetByteCount(yaml) > MaxPlanBytes)
        {
            reader.Error(null, "plan", $"the file is larger than {MaxPlanBytes / 1024} KB");
            return new PlanParseResult(null, reader.Problems);
        }

        if (HostileShape(yaml, fileName) is { } refusal)
        {
            reader.Problems.Add(refusal);
            return new PlanParseResult(null, reader.Problems);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            reader.Problems.Add(new PlanProblem(fileName, (int)Math.Max(1, exception.Start.Line), (int)Math.Max(1, exception.Start.Column), "plan", Clean(exception)));
            return new PlanParseResult(null, reader.Problems);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            reader.Error(stream.Documents.FirstOrDefault()?.RootNode, "plan", "a plan is one YAML document whose top level is a mapping (release:, metrics:, phases: ...)");
            return new PlanParseResult(null, reader.Problems);
        }

        reader.OnlyKnownKeys(root, "plan", TopLevelKeys);
        var plan = new PlanBuilder(reader, root).Build();
        return new PlanParseResult(reader.Problems.Any(p => p.Severity == ProblemSeverity.Error) ? null : plan, reader.Problems);
    }

    /// <summary>
    /// What must be refused before the node tree is built: damaged text, nesting deep enough to exhaust the stack
    /// (checked without the YAML library), and aliases. A plan has no use for aliases, and they are how a small file
    /// becomes a huge tree ("billion laughs") for any code that walks it.
    /// </summary>
    private static PlanProblem? HostileShape(string yaml, string fileName)
    {
        if (PlanText.FindDamage(yaml, fileName) is { } damage)
        {
            return damage;
        }

        if (YamlNestingGuard.FindTooDeep(yaml, MaxNestingDepth) is { } deep)
        {
            return new PlanProblem(fileName, deep.Line, deep.Column, "plan",
                $"nesting is deeper than {MaxNestingDepth} levels (a plan needs about five); nothing was read");
        }

        try
        {
            // The event parser reads one token at a time without recursion: safe once the depth is bounded.
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                if (parser.Current is YamlDotNet.Core.Events.AnchorAlias alias)
                {
                    return new PlanProblem(fileName, (int)Math.Max(1, alias.Start.Line), (int)Math.Max(1, alias.Start.Column), "plan",
                        $"aliases (*{alias.Value}) are not allowed in a plan: write the value out where it is used");
                }
            }
        }
        catch (YamlException)
        {
            // Malformed YAML: the full load below reports it with its position.
        }

        return null;
    }

    private static string Clean(YamlException exception)
    {
        var message = exception.InnerException?.Message ?? exception.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 ? message[(marker + 3)..] : message;
    }

    [GeneratedRegex(@"^v(?<date>\d{8})\.(?<n>\d+)$", RegexOptions.CultureInvariant)]
    internal static partial Regex VersionTag();

    [GeneratedRegex(@"^[0-9a-f]{7,40}$", RegexOptions.CultureInvariant)]
    internal static partial Regex CommitSha();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex Key();

    [GeneratedRegex(@"^(?<amount>[0-9]+(\.[0-9]+)?)(?:(?<share>%)|\s*(?<unit>\S*))$", RegexOptions.CultureInvariant)]
    internal static partial Regex YellowPattern();

    [GeneratedRegex(@"^(?<amount>[0-9]+(\.[0-9]+)?)\s*(?<unit>%|pp|points|[A-Za-z$×/]+)?$", RegexOptions.CultureInvariant)]
    internal static partial Regex TolerancePattern();

    private sealed partial class PlanBuilder(YamlReader r, YamlMappingNode root)
    {
        private readonly Dictionary<string, MetricDefinition> _metrics = new(StringComparer.Ordinal);
        private readonly List<PhaseDefinition> _phases = [];

        public RolloutPlan? Build()
        {
            var release = ReadRelease();
            var settings = r.Mapping(r.Child(root, "settings"), "settings", required: false);
            ReadMetrics();
            ReadPhases();
            var gates = ReadGates();
            var slos = ReadSlos();
            var triggers = ReadTriggers();
            var approvals = ReadApprovals();
            var caps = ReadPaymentCaps();
            triggers.AddRange(CapTriggers(caps, triggers));
            var signals = ReadSignals(triggers);
            var judgement = ReadJudgement(gates);
            WarnAboutRelativeTolerancesNearTheTop(gates);
            var roster = ReadRoster();
            var checklists = ReadChecklists();
            var probes = ReadProbes();
            var postSuccess = ReadPostSuccess(caps);
            if (triggers.Any(t => t.ProbeFailures is not null) && probes.Count == 0)
            {
                r.Warn(r.Child(root, "triggers"), "triggers", "a probe trigger is set but no probes are configured: it can never fire");
            }

            TimeSpan? pollEvery = null;
            var stabilisation = TimeSpan.FromHours(2);
            var rollbackBudget = TimeSpan.FromMinutes(2);
            var noData = new NoDataPolicy(true, TimeSpan.FromMinutes(15));
            TimeSpan? changeFreeze = null;
            IReadOnlyList<ExecutiveUpdate> executiveUpdates = [];
            if (settings is not null)
            {
                r.OnlyKnownKeys(settings, "settings", "pollEvery", "stabilisation", "rollbackBudget", "yellowBlocksAdvance", "noData", "changeFreeze", "executiveUpdates");
                executiveUpdates = ReadExecutiveUpdates(settings);
                changeFreeze = r.Duration(settings, "changeFreeze", "settings");
                if (changeFreeze is { } freeze && (freeze <= TimeSpan.Zero || freeze > TimeSpan.FromDays(14)))
                {
                    r.Error(r.Child(settings, "changeFreeze"), "settings.changeFreeze", "the change freeze after completion must be longer than zero and at most 14 days (e.g. 24h)");
                    changeFreeze = null;
                }

                pollEvery = r.Duration(settings, "pollEvery", "settings");
                stabilisation = r.Duration(settings, "stabilisation", "settings") ?? stabilisation;
                rollbackBudget = r.Duration(settings, "rollbackBudget", "settings") ?? rollbackBudget;
                if (r.Bool(settings, "yellowBlocksAdvance", "settings") == true)
                {
                    // One notion of passing: YELLOW is a shade of "the criterion is met"; a warning margin never makes a limit stricter.
                    r.Error(r.Child(settings, "yellowBlocksAdvance"), "settings.yellowBlocksAdvance",
                        "YELLOW passes every decision as GREEN does (it only warns): to make a limit stricter, change the gate's pass condition");
                }

                if (r.Mapping(r.Child(settings, "noData"), "settings.noData", required: false) is { } noDataMap)
                {
                    r.OnlyKnownKeys(noDataMap, "settings.noData", "blocksAdvance", "holdAfter");
                    if (r.Bool(noDataMap, "blocksAdvance", "settings.noData") == false)
                    {
                        r.Error(r.Child(noDataMap, "blocksAdvance"), "settings.noData.blocksAdvance", "NO DATA always blocks advancing: missing data is not good data");
                    }

                    noData = new NoDataPolicy(true, r.Duration(noDataMap, "holdAfter", "settings.noData"));
                }
            }

            if (release is null)
            {
                return null;
            }

            return new RolloutPlan(release, _metrics.Values.ToList(), _phases, gates, triggers, approvals, caps, noData, stabilisation, rollbackBudget, pollEvery,
                judgement, roster, checklists, probes)
            {
                Slos = slos,
                Signals = signals,
                ChangeFreeze = changeFreeze,
                PostSuccess = postSuccess,
                ExecutiveUpdates = executiveUpdates,
            };
        }

        private ReleaseInfo? ReadRelease()
        {
            var map = r.Mapping(r.Child(root, "release"), "release");
            if (map is null)
            {
                return null;
            }

            r.OnlyKnownKeys(map, "release", "name", "version", "commit", "dataMigrations", "rollbackRunbook", "rollbackCommand", "canaryRoutingKey", "blastRadius", "t0", "region", "regionRationale", "scope");
            var version = r.String(map, "version", "release");
            if (version is not null)
            {
                var match = VersionTag().Match(version);
                if (!match.Success || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    r.Error(r.Child(map, "version"), "release.version", $"'{version}' is not a version tag vYYYYMMDD.X (e.g. v20261125.1)");
                }
            }

            var commit = r.String(map, "commit", "release");
            if (commit is not null && !CommitSha().IsMatch(commit))
            {
                r.Error(r.Child(map, "commit"), "release.commit", $"'{commit}' is not a commit SHA (7 to 40 lowercase hex digits)");
            }

            var runbook = r.String(map, "rollbackRunbook", "release");
            if (runbook is not null && !WebLink.IsHttp(runbook))
            {
                r.Error(r.Child(map, "rollbackRunbook"), "release.rollbackRunbook", $"'{runbook}' is not an http(s) link: write the runbook's address, e.g. https://wiki.example.com/runbooks/rollback");
            }

            DateTimeOffset? t0 = null;
            if (r.String(map, "t0", "release", required: false) is { } t0Text)
            {
                if (DateTimeOffset.TryParse(t0Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    t0 = parsed;
                }
                else
                {
                    r.Error(r.Child(map, "t0"), "release.t0", $"'{t0Text}' is not a time (write ISO 8601 UTC, e.g. 2026-11-26T17:00:00Z)");
                }
            }

            return new ReleaseInfo(
                r.String(map, "name", "release", required: false) ?? version ?? "release",
                version ?? "",
                commit ?? "",
                r.Bool(map, "dataMigrations", "release") ?? Required<bool>(map, "dataMigrations", "release"),
                runbook ?? "",
                r.String(map, "rollbackCommand", "release") ?? "",
                r.String(map, "canaryRoutingKey", "release") ?? "",
                r.Strings(map, "blastRadius", "release"),
                t0,
                r.String(map, "region", "release", required: false),
                r.String(map, "regionRationale", "release", required: false),
                r.String(map, "scope", "release", required: false));
        }

        private T Required<T>(YamlMappingNode map, string key, string field)
        {
            if (r.Child(map, key) is null)
            {
                r.Error(map, $"{field}.{key}", "is required");
            }

            return default!;
        }

        private void ReadMetrics()
        {
            var items = r.Sequence(r.Child(root, "metrics"), "metrics");
            if (items.Count == 0 && r.Child(root, "metrics") is not null)
            {
                r.Error(r.Child(root, "metrics"), "metrics", "a plan needs at least one metric");
            }

            foreach (var (node, index) in items.Select((n, i) => (n, i)))
            {
                var field = $"metrics[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "key", "name", "unit", "panel", "better", "journeys", "critical", "tolerance", "queries", "overallQueries");
                var key = r.String(map, "key", field);
                if (key is null)
                {
                    continue;
                }

                field = $"metrics.{key}";
                if (!Key().IsMatch(key))
                {
                    r.Error(r.Child(map, "key"), field, $"'{key}' must be lowercase letters, digits, '_', '-' or '.'");
                }

                if (_metrics.ContainsKey(key))
                {
                    r.Error(r.Child(map, "key"), field, $"metric '{key}' is defined twice");
                    continue;
                }

                var queries = ReadQueries(map, "queries", field);
                var overallQueries = ReadQueries(map, "overallQueries", field);
                var journeys = r.Strings(map, "journeys", field);
                CheckQueryTemplates(map, field, queries, overallQueries, journeys);

                var unit = ConditionParser.NormaliseUnit(r.String(map, "unit", field, required: false) ?? "");
                var better = r.Enum<BetterDirection>(map, "better", field) ?? BetterDirection.Lower;
                var tolerance = ReadTolerance(map, field, unit);

                _metrics[key] = new MetricDefinition(
                    key,
                    r.String(map, "name", field, required: false) ?? key,
                    unit,
                    r.Enum<MetricPanel>(map, "panel", field) ?? MetricPanel.Latency,
                    better,
                    journeys,
                    r.Bool(map, "critical", field) ?? false,
                    queries)
                {
                    Tolerance = tolerance,
                    OverallQueries = overallQueries,
                };
            }
        }

        private Dictionary<string, string> ReadQueries(YamlMappingNode map, string key, string field)
        {
            var queries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (r.Mapping(r.Child(map, key), $"{field}.{key}", required: false) is { } queryMap)
            {
                foreach (var (source, query) in queryMap.Children)
                {
                    if (query is YamlScalarNode { Value: { Length: > 0 } text })
                    {
                        queries[((YamlScalarNode)source).Value ?? ""] = text;
                    }
                    else
                    {
                        r.Error(query, $"{field}.{key}", "each query must be a single text value");
                    }
                }
            }

            return queries;
        }

        /// <summary>A query that cannot read the overall series, or reads the overall series for every journey, is refused at lint time.</summary>
        private void CheckQueryTemplates(YamlMappingNode map, string field, Dictionary<string, string> queries, Dictionary<string, string> overallQueries, IReadOnlyList<string> journeys)
        {
            foreach (var (source, template) in queries)
            {
                if (QueryTemplates.Problem(template, journeys, overallQueries.ContainsKey(source)) is { } problem)
                {
                    r.Error(r.Child(map, "queries"), $"{field}.queries.{source}", problem);
                }
            }

            foreach (var (source, template) in overallQueries)
            {
                if (template.Contains(QueryTemplates.Journey, StringComparison.Ordinal))
                {
                    r.Error(r.Child(map, "overallQueries"), $"{field}.overallQueries.{source}", $"the overall query reads every journey together: it cannot name {QueryTemplates.Journey}");
                }

                if (!queries.ContainsKey(source))
                {
                    r.Error(r.Child(map, "overallQueries"), $"{field}.overallQueries.{source}", $"an overall query needs the per-journey query beside it under queries: {source}:");
                }
            }
        }

        private void ReadPhases()
        {
            var node = r.Child(root, "phases");
            var items = r.Sequence(node, "phases");
            if (items.Count == 0 && node is not null)
            {
                r.Error(node, "phases", "a plan needs at least one phase");
            }

            double previous = 0;
            foreach (var (item, index) in items.Select((n, i) => (n, i)))
            {
                var field = $"phases[{index}]";
                if (r.Mapping(item, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, ["name", "traffic", "observe", "reportEvery", .. PhaseKinds.Keys]);
                var name = r.String(map, "name", field);
                var observe = r.Duration(map, "observe", field, required: r.Child(map, "soak") is null);
                var (kind, soak) = PhaseKinds.Read(r, map, field, ref observe);
                var noRealTraffic = PhaseKinds.TakesNoRealTraffic(kind);
                var traffic = noRealTraffic
                    ? r.Number(map, "traffic", field, required: false, min: 0m, max: 0m) ?? 0m
                    : r.Number(map, "traffic", field, required: true, min: 0.01m, max: 100m);
                var report = r.Duration(map, "reportEvery", field) ?? TimeSpan.FromMinutes(15);
                if (name is not null && _phases.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    r.Error(r.Child(map, "name"), field, $"phase '{name}' is defined twice");
                }

                if (noRealTraffic && previous > 0)
                {
                    r.Error(item, field, $"a {kind.ToString().ToLowerInvariant()} phase takes no real traffic: it comes before the first phase that does (it follows {previous.ToString(CultureInfo.InvariantCulture)}%)");
                }
                else if (!noRealTraffic && traffic is { } share && (double)share <= previous)
                {
                    r.Error(r.Child(map, "traffic"), $"{field}.traffic", $"traffic must increase from phase to phase ({share.ToString(CultureInfo.InvariantCulture)}% after {previous.ToString(CultureInfo.InvariantCulture)}%)");
                }

                previous = (double)(traffic ?? (decimal)previous);
                if (name is not null && traffic is not null && observe is not null)
                {
                    _phases.Add(new PhaseDefinition(name, (double)traffic, observe.Value, report) { Kind = kind, Soak = soak });
                }
            }

            if (_phases.Count > 0 && Math.Abs(_phases[^1].TrafficPercent - 100) > 1e-9)
            {
                r.Error(items[^1], "phases", $"the last phase must take 100% of traffic (it takes {_phases[^1].TrafficPercent.ToString(CultureInfo.InvariantCulture)}%)");
            }
        }

        private (MetricDefinition Metric, SeriesSelector Selector)? ReadSeries(YamlMappingNode map, string field)
        {
            var key = r.String(map, "metric", field);
            if (key is null)
            {
                return null;
            }

            if (!_metrics.TryGetValue(key, out var metric))
            {
                r.Error(r.Child(map, "metric"), $"{field}.metric", $"unknown metric '{key}' (define it under metrics:)");
                return null;
            }

            var journey = r.String(map, "journey", field, required: false);
            // A metric measured per journey is judged on the overall series and on every journey the plan names.
            var selector = journey?.ToLowerInvariant() switch
            {
                "overall" => SeriesSelector.Overall(key),
                null or "any" => metric.Journeys.Count > 0 ? new SeriesSelector(key, JourneyScope.All, null) : SeriesSelector.Overall(key),
                _ => new SeriesSelector(key, JourneyScope.One, journey),
            };
            if (journey?.ToLowerInvariant() == "any" && metric.Journeys.Count == 0)
            {
                r.Error(r.Child(map, "journey"), $"{field}.journey", $"'any' needs journeys on metric '{key}'");
            }

            if (selector.Scope == JourneyScope.One && !metric.Journeys.Contains(journey!, StringComparer.Ordinal))
            {
                r.Error(r.Child(map, "journey"), $"{field}.journey", $"metric '{key}' has no journey '{journey}' (it has: {string.Join(", ", metric.Journeys)})");
            }

            return (metric, selector);
        }

        private Condition? ReadCondition(YamlMappingNode map, string key, string field, MetricDefinition metric)
        {
            var text = r.String(map, key, field);
            if (text is null)
            {
                return null;
            }

            var node = r.Child(map, key);
            if (!ConditionParser.TryParse(text, out var condition, out var problem))
            {
                r.Error(node, $"{field}.{key}", problem!);
                return null;
            }

            if (condition is AbsoluteCondition absolute)
            {
                if (absolute.Unit is null && metric.Unit.Length > 0)
                {
                    r.Error(node, $"{field}.{key}", $"the threshold has no unit; metric '{metric.Key}' is in {metric.Unit} (write e.g. '{text} {metric.Unit}')");
                }
                else if (absolute.Unit is not null && absolute.Unit != metric.Unit)
                {
                    r.Error(node, $"{field}.{key}", $"the threshold is in {absolute.Unit} but metric '{metric.Key}' is in {(metric.Unit.Length == 0 ? "no unit" : metric.Unit)}");
                }
            }

            return condition;
        }

        private IReadOnlyList<string> ReadPhaseNames(YamlMappingNode map, string field)
        {
            var names = r.Strings(map, "phases", field);
            foreach (var name in names.Where(n => !_phases.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))))
            {
                r.Error(r.Child(map, "phases"), $"{field}.phases", $"phase '{name}' is not defined under phases:");
            }

            return names;
        }

        private List<GateDefinition> ReadGates()
        {
            var gates = new List<GateDefinition>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "gates"), "gates", required: false).Select((n, i) => (n, i)))
            {
                var field = $"gates[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "key", "name", "metric", "journey", "pass", "yellow", "phases");
                var key = r.String(map, "key", field);
                if (key is not null)
                {
                    field = $"gates.{key}";
                    if (gates.Any(g => g.Key == key))
                    {
                        r.Error(r.Child(map, "key"), field, $"gate '{key}' is defined twice");
                    }
                }

                var series = ReadSeries(map, field);
                var phases = ReadPhaseNames(map, field);
                if (series is not { } s)
                {
                    continue;
                }

                var pass = ReadCondition(map, "pass", field, s.Metric);
                if (pass is RelativeCondition { Mode: not (RelativeMode.Within or RelativeMode.NotWorse) })
                {
                    r.Error(r.Child(map, "pass"), $"{field}.pass", "a gate's pass condition says what is good: use 'within ... of control' or 'no more than ... worse than control'");
                }

                var yellow = ReadYellow(map, field, s.Metric);
                if (key is not null && pass is not null)
                {
                    gates.Add(new GateDefinition(key, r.String(map, "name", field, required: false) ?? $"{s.Metric.Name} {pass.Text}", s.Selector, pass, yellow, phases));
                }
            }

            return gates;
        }

        private YellowBand? ReadYellow(YamlMappingNode map, string field, MetricDefinition metric)
        {
            var text = r.String(map, "yellow", field, required: false);
            if (text is null)
            {
                return null;
            }

            // "10%" (no space) is a share of the limit; "2 %" or "5 ms" is an amount in the metric's own unit.
            var match = YellowPattern().Match(text);
            if (match.Success && decimal.TryParse(match.Groups["amount"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                if (match.Groups["share"].Success)
                {
                    return new YellowBand(amount, PercentOfLimit: true);
                }

                var unit = match.Groups["unit"].Value;
                if (unit.Length > 0 && ConditionParser.NormaliseUnit(unit) != metric.Unit)
                {
                    r.Error(r.Child(map, "yellow"), $"{field}.yellow", $"the band is in {ConditionParser.NormaliseUnit(unit)} but metric '{metric.Key}' is in {(metric.Unit.Length == 0 ? "no unit" : metric.Unit)}");
                    return null;
                }

                return new YellowBand(amount, PercentOfLimit: false);
            }

            r.Error(r.Child(map, "yellow"), $"{field}.yellow", $"'{text}' is not a band: write a share of the limit (10%) or an amount in the metric's unit (5 ms, 0.2 %)");
            return null;
        }

        /// <summary>
        /// A success rate gated near 100% (payments >= 99.5%) judged with a relative tolerance hides real drops: 99.75% to
        /// 97.4% is only -2.4%. Such a metric wants its tolerance in percentage points.
        /// </summary>
        private void WarnAboutRelativeTolerancesNearTheTop(IReadOnlyList<GateDefinition> gates)
        {
            foreach (var gate in gates)
            {
                if (_metrics.GetValueOrDefault(gate.Series.MetricKey) is { Unit: "%", Better: BetterDirection.Higher, Tolerance: null } metric
                    && gate.Pass is AbsoluteCondition { Threshold: >= 90m } limit)
                {
                    r.Warn(r.Child(root, "metrics"), $"metrics.{metric.Key}",
                        $"gated at {limit.Text}, a relative judgement tolerance hides real drops (99.75% -> 97.4% is only -2.4%): set 'tolerance:' in percentage points, e.g. 'tolerance: 0.2pp'");
                }
            }
        }

        /// <summary>"5%" is a share of the control's value; "0.2pp" percentage points; "10 ms" an amount in the metric's unit.</summary>
        private JudgementTolerance? ReadTolerance(YamlMappingNode map, string field, string unit)
        {
            var text = r.String(map, "tolerance", field, required: false);
            if (text is null)
            {
                return null;
            }

            var match = TolerancePattern().Match(text.Trim());
            if (!match.Success || !decimal.TryParse(match.Groups["amount"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                r.Error(r.Child(map, "tolerance"), $"{field}.tolerance", $"'{text}' is not a tolerance: write a share of the control (5%), percentage points (0.2pp) or an amount in the metric's unit (10 ms)");
                return null;
            }

            var given = match.Groups["unit"].Value.Trim();
            if (given == "%")
            {
                return new JudgementTolerance(amount / 100m, Relative: true, text.Trim());
            }

            var normalised = given is "pp" or "points" ? "%" : ConditionParser.NormaliseUnit(given);
            if (given.Length > 0 && normalised != unit)
            {
                r.Error(r.Child(map, "tolerance"), $"{field}.tolerance", $"the tolerance is in {(given is "pp" or "points" ? "percentage points" : normalised)} but the metric is in {(unit.Length == 0 ? "no unit" : unit)}");
                return null;
            }

            return new JudgementTolerance(amount, Relative: false, text.Trim());
        }

        /// <summary>A trigger's key; once known it names the field of every later problem, and a second use is an error.</summary>
        private string? ReadTriggerKey(YamlMappingNode map, ref string field, List<TriggerDefinition> triggers)
        {
            var key = r.String(map, "key", field);
            if (key is not null)
            {
                field = $"triggers.{key}";
                if (triggers.Any(t => t.Key == key))
                {
                    r.Error(r.Child(map, "key"), field, $"trigger '{key}' is defined twice");
                }
            }

            return key;
        }

        private List<TriggerDefinition> ReadTriggers()
        {
            var triggers = new List<TriggerDefinition>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "triggers"), "triggers", required: false).Select((n, i) => (n, i)))
            {
                var field = $"triggers[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                if (IsExtendedTrigger(map))
                {
                    // all:/any:, counted events, SLO breach and budget burn, cumulative minutes: TriggerConditionParser.cs.
                    ReadExtendedTrigger(map, field, triggers);
                    continue;
                }

                r.OnlyKnownKeys(map, field, "key", "name", "metric", "journey", "fires", "for", "checks", "probeFailures", "action");
                var key = ReadTriggerKey(map, ref field, triggers);

                var action = r.Enum<TriggerAction>(map, "action", field);
                var probeFailures = r.Number(map, "probeFailures", field, min: 1, max: 100);
                if (probeFailures is not null)
                {
                    if (r.Child(map, "metric") is not null || r.Child(map, "fires") is not null)
                    {
                        r.Error(r.Child(map, "probeFailures"), field, "a probe trigger counts probe failures; it has no metric or fires condition");
                    }

                    if (key is not null && action is not null)
                    {
                        triggers.Add(new TriggerDefinition(key, r.String(map, "name", field, required: false) ?? $"{probeFailures} consecutive probe failures", null, null, null, null, (int)probeFailures, action.Value));
                    }

                    continue;
                }

                var series = ReadSeries(map, field);
                var duration = r.Duration(map, "for", field);
                var checks = r.Number(map, "checks", field, min: 1, max: 1000);
                if (duration is { } span && checks is { } count && count > (int)Math.Ceiling(span.TotalMinutes))
                {
                    // Every minute is a check: "10 minutes across two consecutive checks" is one 10-minute streak, which spans ten.
                    r.Error(r.Child(map, "checks"), $"{field}.checks", $"a {(int)Math.Ceiling(span.TotalMinutes)}-minute streak spans {(int)Math.Ceiling(span.TotalMinutes)} checks (one a minute); {count} cannot fit in it");
                }

                if (duration is null && checks is null)
                {
                    r.Error(map, field, "a trigger needs 'for:' (how long the condition must hold) and/or 'checks:' (over how many consecutive checks)");
                }

                if (series is not { } s)
                {
                    continue;
                }

                var fires = ReadCondition(map, "fires", field, s.Metric);
                if (fires is RelativeCondition { Mode: RelativeMode.Within or RelativeMode.NotWorse })
                {
                    r.Error(r.Child(map, "fires"), $"{field}.fires", "a trigger fires on what is bad: use 'beyond ... of control' or 'more than ... worse than control'");
                }

                if (key is not null && fires is not null && action is not null)
                {
                    triggers.Add(new TriggerDefinition(key, r.String(map, "name", field, required: false) ?? $"{s.Metric.Name} {fires.Text}", s.Selector, fires, duration,
                        checks is null ? null : (int)checks, null, action.Value));
                }
            }

            return triggers;
        }

        private List<ApprovalRule> ReadApprovals()
        {
            var rules = new List<ApprovalRule>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "approvals"), "approvals", required: false).Select((n, i) => (n, i)))
            {
                var field = $"approvals[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "from", "role", "autoApprove");
                var from = r.String(map, "from", field);
                var phaseIndex = from is null ? -1 : _phases.FindIndex(p => string.Equals(p.Name, from, StringComparison.OrdinalIgnoreCase));
                if (from is not null && phaseIndex < 0)
                {
                    r.Error(r.Child(map, "from"), $"{field}.from", $"phase '{from}' is not defined under phases:");
                }
                else if (from is not null && phaseIndex == _phases.Count - 1)
                {
                    r.Error(r.Child(map, "from"), $"{field}.from", $"'{from}' is the last phase: there is no step after it to approve");
                }

                var role = r.String(map, "role", field);
                if (role is not null && !Roles.IsKnown(role))
                {
                    r.Error(r.Child(map, "role"), $"{field}.role", $"unknown role '{role}' (roles: {string.Join(", ", Roles.All)})");
                }

                var allGreen = false;
                var conditions = new List<AutoApproveCondition>();
                if (r.Mapping(r.Child(map, "autoApprove"), $"{field}.autoApprove", required: false) is { } auto)
                {
                    // allGatesPass: every gate GREEN or YELLOW over the window; allGatesGreen is the older spelling of the same rule.
                    r.OnlyKnownKeys(auto, $"{field}.autoApprove", "allGatesPass", "allGatesGreen", "when");
                    allGreen = (r.Bool(auto, "allGatesPass", $"{field}.autoApprove") ?? false) || (r.Bool(auto, "allGatesGreen", $"{field}.autoApprove") ?? false);
                    foreach (var (conditionNode, ci) in r.Sequence(r.Child(auto, "when"), $"{field}.autoApprove.when", required: false).Select((n, i) => (n, i)))
                    {
                        var conditionField = $"{field}.autoApprove.when[{ci}]";
                        if (r.Mapping(conditionNode, conditionField) is not { } conditionMap)
                        {
                            continue;
                        }

                        r.OnlyKnownKeys(conditionMap, conditionField, "metric", "journey", "condition");
                        if (ReadSeries(conditionMap, conditionField) is { } s && ReadCondition(conditionMap, "condition", conditionField, s.Metric) is { } condition)
                        {
                            conditions.Add(new AutoApproveCondition(s.Selector, condition));
                        }
                    }
                }

                if (from is not null && role is not null)
                {
                    rules.Add(new ApprovalRule(from, role, allGreen, conditions));
                }
            }

            return rules;
        }

        private PaymentCaps? ReadPaymentCaps()
        {
            if (r.Mapping(r.Child(root, "paymentCaps"), "paymentCaps", required: false) is not { } map)
            {
                return null;
            }

            r.OnlyKnownKeys(map, "paymentCaps", "transactions", "maxPerTransaction", "total", "currency", "transactionsMetric", "dollarsMetric", "largestTransactionMetric", "through", "onBreach");
            var transactions = r.Number(map, "transactions", "paymentCaps", required: true, min: 0);
            var perTransaction = r.Number(map, "maxPerTransaction", "paymentCaps", required: true, min: 0);
            var total = r.Number(map, "total", "paymentCaps", required: true, min: 0);
            foreach (var metricKey in new[] { "transactionsMetric", "dollarsMetric", "largestTransactionMetric" })
            {
                if (r.String(map, metricKey, "paymentCaps", required: false) is { } key && !_metrics.ContainsKey(key))
                {
                    r.Error(r.Child(map, metricKey), $"paymentCaps.{metricKey}", $"unknown metric '{key}' (define it under metrics:)");
                }
            }

            return new PaymentCaps((int)(transactions ?? 0), perTransaction ?? 0, total ?? 0, r.String(map, "currency", "paymentCaps", required: false) ?? "USD",
                r.String(map, "transactionsMetric", "paymentCaps", required: false), r.String(map, "dollarsMetric", "paymentCaps", required: false))
            {
                // Enforcement, phase scope and the largest-transaction metric: PaymentCapParser.cs.
                LargestTransactionMetric = r.String(map, "largestTransactionMetric", "paymentCaps", required: false),
                Through = ReadCapScope(map),
                OnBreach = r.Enum<TriggerAction>(map, "onBreach", "paymentCaps", required: false),
            };
        }

        private JudgementSettings ReadJudgement(IReadOnlyList<GateDefinition> gates)
        {
            var defaults = new JudgementSettings(
                Enum.GetValues<MetricPanel>().Select(panel => new JudgementGroup(panel.ToString(), 1, _metrics.Values.Where(m => m.Panel == panel).Select(m => m.Key).ToList()))
                    .Where(g => g.Metrics.Count > 0).ToList(),
                DefaultPassScore, DefaultMarginalScore, 0.98, 0.05);
            if (r.Mapping(r.Child(root, "judgement"), "judgement", required: false) is not { } map)
            {
                return defaults;
            }

            r.OnlyKnownKeys(map, "judgement", "confidence", "tolerance", "pass", "marginal", "groups");
            var pass = (double)(r.Number(map, "pass", "judgement", min: 0, max: 100) ?? (decimal)DefaultPassScore);
            var marginal = (double)(r.Number(map, "marginal", "judgement", min: 0, max: 100) ?? (decimal)DefaultMarginalScore);
            if (marginal > pass)
            {
                r.Error(r.Child(map, "marginal"), "judgement.marginal", "the marginal score must not be above the pass score");
            }

            var groups = new List<JudgementGroup>();
            foreach (var (node, index) in r.Sequence(r.Child(map, "groups"), "judgement.groups", required: false).Select((n, i) => (n, i)))
            {
                var field = $"judgement.groups[{index}]";
                if (r.Mapping(node, field) is not { } group)
                {
                    continue;
                }

                r.OnlyKnownKeys(group, field, "name", "weight", "metrics");
                var metrics = r.Strings(group, "metrics", field);
                foreach (var unknown in metrics.Where(k => !_metrics.ContainsKey(k)))
                {
                    r.Error(r.Child(group, "metrics"), $"{field}.metrics", $"unknown metric '{unknown}' (define it under metrics:)");
                }

                groups.Add(new JudgementGroup(r.String(group, "name", field) ?? $"group {index + 1}", (double)(r.Number(group, "weight", field, min: 0) ?? 1), metrics));
            }

            // The score covers every metric a gate judges: otherwise it could show PASS beside a RED it never looked at.
            foreach (var metric in gates.Select(g => g.Series.MetricKey).Distinct(StringComparer.Ordinal)
                         .Where(k => groups.Count > 0 && !groups.Any(g => g.Metrics.Contains(k, StringComparer.Ordinal))))
            {
                r.Error(r.Child(map, "groups"), "judgement.groups", $"metric '{metric}' is judged by a gate but by no judgement group: add it to a group");
            }

            return new JudgementSettings(groups.Count > 0 ? groups : defaults.Groups, pass, marginal,
                (double)(r.Number(map, "confidence", "judgement", min: 0.5m, max: 0.9999m) ?? 0.98m),
                (double)(r.Number(map, "tolerance", "judgement", min: 0, max: 10) ?? 0.05m));
        }

        private List<RosterRole> ReadRoster()
        {
            var roster = new List<RosterRole>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "roster"), "roster", required: false).Select((n, i) => (n, i)))
            {
                var field = $"roster[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "key", "title", "role", "page");
                var key = r.String(map, "key", field);
                var role = r.String(map, "role", field, required: false);
                var page = r.Strings(map, "page", field);
                foreach (var cause in page.Where(c => !RosterRole.PageCauses.Contains(c, StringComparer.Ordinal)))
                {
                    r.Error(r.Child(map, "page"), $"{field}.page", $"'{cause}' is not a page cause (causes: {string.Join(", ", RosterRole.PageCauses)})");
                }

                if (role is not null && !Roles.IsKnown(role))
                {
                    r.Error(r.Child(map, "role"), $"{field}.role", $"unknown role '{role}' (roles: {string.Join(", ", Roles.All)})");
                }

                if (key is not null && roster.Any(x => x.Key == key))
                {
                    r.Error(r.Child(map, "key"), field, $"roster role '{key}' is listed twice");
                }

                if (key is not null)
                {
                    roster.Add(new RosterRole(key, r.String(map, "title", field, required: false) ?? key, role)
                    {
                        PageOn = page.Where(c => RosterRole.PageCauses.Contains(c, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList(),
                    });
                }
            }

            return roster;
        }

        private List<ChecklistDefinition> ReadChecklists()
        {
            var lists = new List<ChecklistDefinition>();
            var itemKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (node, index) in r.Sequence(r.Child(root, "checklists"), "checklists", required: false).Select((n, i) => (n, i)))
            {
                var field = $"checklists[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "name", "afterSuccess", "items", "confirmWithin");
                var name = r.String(map, "name", field) ?? $"list {index + 1}";
                var confirmWithin = r.Duration(map, "confirmWithin", field);
                if (confirmWithin is { } within && (within <= TimeSpan.Zero || within > TimeSpan.FromDays(2)))
                {
                    r.Error(r.Child(map, "confirmWithin"), $"{field}.confirmWithin", "confirmWithin is how long after the rollout is created the list is posted: longer than zero and at most 2 days (e.g. 30m)");
                    confirmWithin = null;
                }

                var afterSuccess = r.Bool(map, "afterSuccess", field) ?? false;
                var items = new List<ChecklistItemDefinition>();
                foreach (var (itemNode, itemIndex) in r.Sequence(r.Child(map, "items"), $"{field}.items").Select((n, i) => (n, i)))
                {
                    var itemField = $"checklists.{name}.items[{itemIndex}]";
                    if (r.Mapping(itemNode, itemField) is not { } item)
                    {
                        continue;
                    }

                    r.OnlyKnownKeys(item, itemField, "key", "title", "owner", "due");
                    var key = r.String(item, "key", itemField);
                    var owner = r.String(item, "owner", itemField);
                    if (owner is not null && !Roles.IsKnown(owner))
                    {
                        r.Error(r.Child(item, "owner"), $"{itemField}.owner", $"unknown role '{owner}' (roles: {string.Join(", ", Roles.All)})");
                    }

                    if (key is not null && !itemKeys.Add(key))
                    {
                        r.Error(r.Child(item, "key"), itemField, $"checklist item '{key}' is listed twice");
                    }

                    var due = r.Duration(item, "due", itemField, required: true, allowNegative: true);
                    if (key is not null && owner is not null && due is not null)
                    {
                        items.Add(new ChecklistItemDefinition(key, r.String(item, "title", itemField) ?? key, owner, due.Value, afterSuccess));
                    }
                }

                lists.Add(new ChecklistDefinition(name, items) { ConfirmWithin = confirmWithin });
            }

            return lists;
        }

        private List<ProbeDefinition> ReadProbes()
        {
            var probes = new List<ProbeDefinition>();
            foreach (var (node, index) in r.Sequence(r.Child(root, "probes"), "probes", required: false).Select((n, i) => (n, i)))
            {
                var field = $"probes[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "name", "url", "expectStatus", "maxLatency", "schema");
                var name = r.String(map, "name", field);
                var url = r.String(map, "url", field);
                if (url is not null && !WebLink.IsHttp(url))
                {
                    r.Error(r.Child(map, "url"), $"{field}.url", $"'{url}' is not an http(s) address");
                }

                if (name is not null && url is not null)
                {
                    probes.Add(new ProbeDefinition(name, url, (int)(r.Number(map, "expectStatus", field, min: 100, max: 599) ?? 200), r.Duration(map, "maxLatency", field),
                        r.String(map, "schema", field, required: false)));
                }
            }

            return probes;
        }
    }
}
