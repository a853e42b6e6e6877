using System.Text;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

/// <summary>
/// Plans written to hurt: each is refused with a located problem, and none reaches the YAML library's recursive
/// loader deep enough to overflow the stack (which would end the test process, not fail one test).
/// </summary>
public sealed class HostilePlanTests
{
    private const int Levels = 30_000;

    public static TheoryData<string, string, int> DeepShapes() => new()
    {
        { "flow sequences", new string('[', Levels), 1 },
        { "flow mappings", string.Concat(Enumerable.Repeat("{a: ", Levels)), 1 },
        { "compact block sequences", string.Concat(Enumerable.Repeat("- ", Levels)) + "x", 1 },
        { "complex keys", string.Concat(Enumerable.Repeat("? ", Levels)) + "x", 1 },
        { "after a document marker", "--- " + new string('[', Levels), 1 },
        { "after an anchor and a tag", "a: &x !t " + new string('[', Levels), 1 },
        { "after a plain scalar holding a quote", "a: [it's, " + new string('[', Levels), 1 },
        { "after a double-quoted escape", "a: [\"x\\\"\", " + new string('[', Levels), 1 },
        { "after a flow comment holding brackets", "a: [ # ]]]]\n" + new string('[', Levels), 2 },
        { "after a block scalar", "a: |\n  [[[[\nb: " + new string('[', Levels), 3 },
        { "one level per line", "a:\n" + string.Concat(Enumerable.Repeat("  [\n", Levels / 4)), 32 },
        { "indentation", string.Concat(Enumerable.Range(0, 700).Select(i => new string(' ', i) + "-\n")), 32 },
    };

    [Theory]
    [MemberData(nameof(DeepShapes))]
    public void Deep_nesting_is_refused_before_the_yaml_library_reads_it(string shape, string yaml, int line)
    {
        var result = PlanParser.Parse(yaml, "deep.yaml");

        Assert.Null(result.Plan);
        var problem = Assert.Single(result.Problems);
        Assert.True(problem.Line == line, $"{shape}: reported at line {problem.Line}, expected {line}");
        Assert.Contains($"nesting is deeper than {PlanParser.MaxNestingDepth} levels", problem.Message);
    }

    [Fact]
    public void The_issue_s_plan_of_thirty_thousand_brackets_names_line_and_column()
    {
        var result = PlanParser.Parse(new string('[', Levels), "deep.yaml");

        Assert.Equal("deep.yaml:1:32: error: plan: nesting is deeper than 32 levels (a plan needs about five); nothing was read", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_by_the_yaml_library()
    {
        // Within the bound the text reaches YamlDotNet, which reports what is wrong with it as a plan.
        var result = PlanParser.Parse(new string('[', PlanParser.MaxNestingDepth - 1) + new string(']', PlanParser.MaxNestingDepth - 1), "shallow.yaml");

        Assert.Contains("a plan is one YAML document whose top level is a mapping", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void The_shipped_plans_stay_well_inside_the_bound()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ShipRoom.sln")))
        {
            root = root.Parent!;
        }

        var plans = Directory.GetFiles(Path.Combine(root.FullName, "plans"), "*.yaml");
        Assert.NotEmpty(plans);
        foreach (var file in plans)
        {
            Assert.Null(YamlNestingGuard.FindTooDeep(File.ReadAllText(file), 8));
        }
    }

    [Fact]
    public void Billion_laughs_is_refused_at_the_first_alias()
    {
        const string yaml = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            """;

        var result = PlanParser.Parse(yaml, "laughs.yaml");

        Assert.Null(result.Plan);
        Assert.Equal("laughs.yaml:2:8: error: plan: aliases (*a) are not allowed in a plan: write the value out where it is used", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Ten_megabytes_is_refused_by_size_without_being_parsed()
    {
        var result = PlanParser.Parse("a: " + new string('[', 10 * 1024 * 1024), "huge.yaml");

        Assert.Equal("huge.yaml:1:1: error: plan: the file is larger than 256 KB", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_where_they_are_and_never_replaced()
    {
        var bytes = Encoding.Latin1.GetBytes("release:\n  name: café\n");

        var problem = PlanText.Decode(bytes, "latin1.yaml", out var text);

        Assert.Null(text);
        Assert.Equal("latin1.yaml:2:12: error: plan: byte 0xE9 at offset 20 is not UTF-8; save the file as UTF-8 (nothing was read from it)", problem!.ToString());
    }

    [Fact]
    public void Utf16_files_are_named_as_such()
    {
        var problem = PlanText.Decode(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("release:\n")).ToArray(), "utf16.yaml", out _);

        Assert.Equal("the file is UTF-16; save it as UTF-8", problem!.Message);
    }

    [Fact]
    public void Utf8_with_a_byte_order_mark_and_accents_reads_exactly()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("name: café ✓\n")).ToArray();

        Assert.Null(PlanText.Decode(bytes, "ok.yaml", out var text));
        Assert.Equal("name: café ✓\n", text);
    }

    [Theory]
    [InlineData("fffd", 2, 12, "U+FFFD")]
    [InlineData("surrogate", 2, 10, "lone UTF-16 surrogate (U+D800)")]
    public void Text_damaged_by_a_lossy_decode_is_refused(string damage, int line, int column, string expected)
    {
        // Built here: a lone surrogate does not survive being stored in a test attribute.
        var yaml = damage == "fffd" ? "release:\n  name: caf\uFFFD\n" : "release:\n  name: x" + (char)0xD800 + "y\n";

        var result = PlanParser.Parse(yaml, "damaged.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        Assert.Contains(expected, problem.Message);
    }
}

public sealed class PlanLinkTests
{
    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("JAVASCRIPT:alert(1)")]
    [InlineData("data:text/html;base64,PHNjcmlwdD4=")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://runbooks.example.com/rollback")]
    [InlineData("/wiki/rollback")]
    public void A_runbook_that_is_not_an_http_link_fails_lint_on_its_line(string runbook)
    {
        var yaml = TestPlans.Header.Replace("https://runbooks.example.com/rollback", $"'{runbook}'", StringComparison.Ordinal);

        var result = PlanParser.Parse(yaml, "plan.yaml");

        Assert.Null(result.Plan);
        var problem = Assert.Single(result.Problems, p => p.Field == "release.rollbackRunbook");
        Assert.Equal(5, problem.Line);
        Assert.Contains("is not an http(s) link", problem.Message);
    }

    [Theory]
    [InlineData("javascript:fetch('/api/audit')")]
    [InlineData("file:///etc/shadow")]
    public void A_probe_address_that_is_not_http_fails_lint(string url)
    {
        var result = PlanParser.Parse(TestPlans.Header + $"\nprobes:\n  - name: home\n    url: \"{url}\"\n", "plan.yaml");

        Assert.Contains(result.Problems, p => p.Field == "probes[0].url" && p.Message.Contains("is not an http(s) address", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://runbooks.example.com/rollback", true)]
    [InlineData("http://wiki.internal/rollback", true)]
    [InlineData("https://", false)]
    [InlineData("javascript://example.com/%0Aalert(1)", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_http_and_https_addresses_with_a_host_are_links(string? text, bool expected) => Assert.Equal(expected, WebLink.IsHttp(text));
}
