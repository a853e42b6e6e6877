using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

public sealed class PlanLintCommandTests
{
    private static string Plans(string name) => Path.Combine(AppContext.BaseDirectory, "plans", name);

    [Theory]
    [InlineData("directive-002-phased-canary-5-25-50-100.yaml", "5% → 25% → 50% → 100%")]
    [InlineData("directive-004-ramp-1-10-25-50-100.yaml", "1% → 10% → 25% → 50% → 100%")]
    public async Task The_shipped_plans_lint_clean(string plan, string phases)
    {
        var output = new StringWriter();

        var exit = await CommandLine.RunAsync(["plan", "lint", Plans(plan)], output, TextWriter.Null, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains(phases, output.ToString());
        Assert.DoesNotContain("warning", output.ToString());
    }

    [Fact]
    public async Task A_broken_plan_prints_file_line_and_column_for_every_problem_and_exits_1()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var path = Path.Combine(Directory.CreateTempSubdirectory("shiproom-lint-").FullName, "broken.yaml");
        var text = (await File.ReadAllTextAsync(Plans("directive-004-ramp-1-10-25-50-100.yaml"), ct))
            .Replace("version: v20261126.2", "version: 2026.11.26", StringComparison.Ordinal)
            .Replace("    pass: '<= 0.5 %'\n    yellow: 20%\n  - key: errors-client-js", "    pass: '<= 0.5'\n    yellow: 20%\n  - key: errors-client-js", StringComparison.Ordinal)
            .Replace("    metric: cache_hit_pct\n    fires:", "    metric: cache_hit_ratio\n    fires:", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, text, ct);
        var lines = text.Split('\n');
        int LineOf(string fragment) => Array.FindIndex(lines, l => l.Contains(fragment, StringComparison.Ordinal)) + 1;
        var output = new StringWriter();

        var exit = await CommandLine.RunAsync(["plan", "lint", path], output, TextWriter.Null, ct);

        var printed = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains($"{path}:{LineOf("version: 2026.11.26")}:", printed);
        Assert.Contains($"{path}:{LineOf("pass: '<= 0.5'")}:", printed);
        Assert.Contains($"{path}:{LineOf("metric: cache_hit_ratio")}:", printed);
        Assert.Contains("error: release.version: '2026.11.26' is not a version tag", printed);
        Assert.Contains("the threshold has no unit", printed);
        Assert.Contains("unknown metric 'cache_hit_ratio'", printed);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(["plan", "lint", "/no/such/plan.yaml"], TextWriter.Null, error, Xunit.TestContext.Current.CancellationToken));
        Assert.Contains("no such file", error.ToString());
    }
}
