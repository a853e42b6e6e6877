using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

public sealed class PlanParserTests
{
    private static PlanParseResult ParseWith(string body) => PlanParser.Parse(TestPlans.Header + "\n" + body, "plan.yaml");

    /// <summary>The 1-based line of the first line containing <paramref name="text"/> in the full plan text.</summary>
    private static int LineOf(string body, string text)
    {
        var lines = (TestPlans.Header + "\n" + body).Split('\n');
        return Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal)) + 1;
    }

    [Fact]
    public void A_complete_plan_reads_every_part()
    {
        var plan = TestPlans.Parse("""
            gates:
              - key: p95
                metric: p95_latency_ms
                journey: checkout
                pass: '<= 130 ms'
                yellow: 5 ms
                phases: [10%]
            triggers:
              - key: errors
                metric: error_rate_pct
                fires: '> 0.5 %'
                for: 5m
                action: rollback
            paymentCaps:
              transactions: 100
              maxPerTransaction: 20
              total: 1500
            checklists:
              - name: T-1h
                items:
                  - key: security
                    title: Security sign-off
                    owner: SecurityLead
                    due: -1h
            """);

        Assert.Equal("v20261125.1", plan.Release.Version);
        Assert.Equal([10.0, 50.0, 100.0], plan.Phases.Select(p => p.TrafficPercent));
        Assert.Equal(TimeSpan.FromMinutes(30), plan.Phases[1].Observe);
        Assert.Equal(TimeSpan.FromMinutes(15), plan.Phases[1].ReportEvery);
        var gate = plan.Gates.Single();
        Assert.Equal((JourneyScope.One, "checkout"), (gate.Series.Scope, gate.Series.Journey));
        Assert.Equal(new YellowBand(5, false), gate.Yellow);
        Assert.Equal(ComparisonOperator.LessOrEqual, Assert.IsType<AbsoluteCondition>(gate.Pass).Operator);
        Assert.Equal((TimeSpan.FromMinutes(5), TriggerAction.Rollback), (plan.Triggers.Single().For!.Value, plan.Triggers.Single().Action));
        Assert.Equal((100, 20m, 1500m, "USD"), (plan.PaymentCaps!.MaxTransactions, plan.PaymentCaps.MaxPerTransaction, plan.PaymentCaps.MaxTotal, plan.PaymentCaps.Currency));
        Assert.Equal(TimeSpan.FromHours(-1), plan.Checklists.Single().Items.Single().DueOffset);
        Assert.Equal(TimeSpan.FromHours(2), plan.Stabilisation);
        Assert.Equal(TimeSpan.FromMinutes(2), plan.RollbackBudget);
        Assert.True(plan.NoData.BlocksAdvance);
    }

    [Theory]
    [InlineData("gates:\n  - key: g\n    metric: p99_latency\n    pass: '<= 1 ms'", "p99_latency", "unknown metric 'p99_latency'")]
    [InlineData("gates:\n  - key: g\n    metric: p95_latency_ms\n    pass: '<= 130'", "pass: '<= 130'", "the threshold has no unit")]
    [InlineData("gates:\n  - key: g\n    metric: p95_latency_ms\n    pass: '<= 130 %'", "pass: '<= 130 %'", "the threshold is in % but metric 'p95_latency_ms' is in ms")]
    [InlineData("gates:\n  - key: g\n    metric: p95_latency_ms\n    pass: '<= 130 ms'\n    phases: [75%]", "phases: [75%]", "phase '75%' is not defined")]
    [InlineData("triggers:\n  - key: t\n    metric: error_rate_pct\n    fires: '> 1 %'\n    for: -5m\n    action: rollback", "for: -5m", "must be a positive duration")]
    [InlineData("triggers:\n  - key: t\n    metric: error_rate_pct\n    fires: '> 1 %'\n    for: soon\n    action: rollback", "for: soon", "is not a duration")]
    [InlineData("triggers:\n  - key: t\n    metric: error_rate_pct\n    fires: '> 1 %'\n    for: 5m\n    action: panic", "action: panic", "'panic' is not one of Hold, Rollback")]
    [InlineData("approvals:\n  - from: 50%\n    role: CEO", "role: CEO", "unknown role 'CEO'")]
    [InlineData("gates:\n  - key: g\n    metric: p95_latency_ms\n    pass: '<= 130 ms'\n    treshold: 5", "treshold: 5", "unknown field 'treshold'")]
    [InlineData("gates:\n  - key: g\n    metric: p95_latency_ms\n    journey: mobile\n    pass: '<= 130 ms'", "journey: mobile", "has no journey 'mobile'")]
    [InlineData("settings:\n  yellowBlocksAdvance: true", "yellowBlocksAdvance: true", "YELLOW passes every decision as GREEN does")]
    [InlineData("triggers:\n  - key: t\n    metric: error_rate_pct\n    fires: '> 1 %'\n    for: 5m\n    checks: 6\n    action: hold", "checks: 6", "a 5-minute streak spans 5 checks")]
    [InlineData("gates:\n  - key: g\n    metric: error_rate_pct\n    pass: '<= 1 %'\njudgement:\n  groups:\n    - name: Latency\n      metrics: [p95_latency_ms]", "- name: Latency", "metric 'error_rate_pct' is judged by a gate but by no judgement group")]
    public void Each_broken_plan_names_the_line_and_the_problem(string body, string lineText, string message)
    {
        var result = ParseWith(body);

        Assert.True(result.HasErrors);
        Assert.Null(result.Plan);
        var problem = Assert.Single(result.Problems, p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(LineOf(body, lineText), problem.Line);
        Assert.StartsWith($"plan.yaml:{problem.Line}:", problem.ToString());
    }

    [Fact]
    public void An_invalid_version_tag_is_refused_with_its_location()
    {
        var result = PlanParser.Parse(TestPlans.Header.Replace("v20261125.1", "v2026-11-25", StringComparison.Ordinal), "plan.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, "release.version"), (problem.Line, problem.Field));
        Assert.Contains("is not a version tag vYYYYMMDD.X", problem.Message);
    }

    [Fact]
    public void Traffic_must_increase_and_end_at_100_percent()
    {
        var yaml = TestPlans.Header.Replace("traffic: 50", "traffic: 5", StringComparison.Ordinal).Replace("traffic: 100", "traffic: 90", StringComparison.Ordinal);

        var problems = PlanParser.Parse(yaml, "plan.yaml").Problems.Select(p => p.Message).ToList();

        Assert.Contains(problems, m => m.Contains("traffic must increase", StringComparison.Ordinal));
        Assert.Contains(problems, m => m.Contains("the last phase must take 100% of traffic", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var result = ParseWith("gates:\n  - key: a\n    metric: nope\n    pass: '<= 1'\n  - key: b\n    metric: p95_latency_ms\n    pass: 'about 3'\ntriggers:\n  - key: t\n    metric: error_rate_pct\n    fires: '> 1 %'\n    action: hold");

        Assert.True(result.Problems.Count >= 3, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Duplicate_keys_and_broken_yaml_are_located()
    {
        var duplicate = PlanParser.Parse("release:\n  version: v20261125.1\nrelease:\n  version: v20261125.2\n", "dup.yaml");
        var broken = PlanParser.Parse("release:\n  version: [unclosed\n", "broken.yaml");

        Assert.Contains(duplicate.Problems, p => p.Line == 3);
        Assert.Single(broken.Problems);
        Assert.True(broken.Problems[0].Line >= 2);
    }

    [Fact]
    public void A_plan_larger_than_the_limit_is_refused_before_parsing()
    {
        var result = PlanParser.Parse("# " + new string('x', PlanParser.MaxPlanBytes), "huge.yaml");
        Assert.Contains("larger than 256 KB", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void Turning_off_no_data_blocking_is_refused()
    {
        var result = ParseWith("settings:\n  noData:\n    blocksAdvance: false");
        Assert.Contains(result.Problems, p => p.Message.Contains("missing data is not good data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("90m", 90)]
    [InlineData("2h", 120)]
    [InlineData("1h30m", 90)]
    [InlineData("-10m", -10)]
    [InlineData("0.5m", 0.5)]
    public void Durations_read_as_written(string text, double minutes)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(minutes, duration.TotalMinutes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    [InlineData("m5")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData("5%", 0.05, true)]
    [InlineData("0.25pp", 0.25, false)]
    [InlineData("10 ms", 10, false)]
    public void A_metric_states_its_judgement_tolerance_as_a_share_points_or_its_unit(string text, double amount, bool relative)
    {
        var metric = text.EndsWith("ms", StringComparison.Ordinal) ? "p95_latency_ms" : "payments_e2e_success_pct";
        var header = TestPlans.Header.Replace($"  - key: {metric}\n", $"  - key: {metric}\n    tolerance: '{text}'\n", StringComparison.Ordinal);

        var result = PlanParser.Parse(header, "plan.yaml");

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal(new JudgementTolerance((decimal)amount, relative, text), result.Plan!.FindMetric(metric)!.Tolerance);
    }

    [Fact]
    public void A_success_rate_gated_near_100_percent_without_a_points_tolerance_is_warned_about()
    {
        var result = ParseWith("gates:\n  - key: pay\n    metric: payments_e2e_success_pct\n    pass: '>= 99.5 %'");

        Assert.False(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Message.Contains("set 'tolerance:' in percentage points", StringComparison.Ordinal));
    }

    [Fact]
    public void A_metric_with_journeys_is_judged_overall_and_per_journey_unless_the_plan_narrows_it()
    {
        var plan = TestPlans.Parse("gates:\n  - key: all\n    metric: p95_latency_ms\n    pass: '<= 130 ms'\n  - key: overall\n    metric: p95_latency_ms\n    journey: overall\n    pass: '<= 130 ms'");

        Assert.Equal(JourneyScope.All, plan.Gates[0].Series.Scope);
        Assert.Equal(JourneyScope.Overall, plan.Gates[1].Series.Scope);
    }
}
