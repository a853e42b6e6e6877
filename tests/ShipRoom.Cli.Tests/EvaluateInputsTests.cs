using System.Globalization;
using System.Text;
using System.Text.Json;
using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

/// <summary>
/// Every input the live engine judges from, given to the what-if tool: synthetic probe runs, sign-offs and the time
/// trigger streaks count from. The samples are the 50% phase of fixtures/checkout-50pct-2h.csv (healthy until 11:20)
/// judged with the shipped plan plans/directive-004-ramp-1-10-25-50-100.yaml.
/// </summary>
public sealed class EvaluateInputsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-whatif-").FullName;

    private static readonly string Plan = Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml");
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "fixtures", "checkout-50pct-2h.csv");
    private static readonly DateTimeOffset PhaseStart = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TempFile(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// The plan's three probes every minute from 10:00 to 10:44; checkout-happy-path answers 503 at 10:40 and 10:41,
    /// and at 10:42 passes its status check but takes 2.3 s (its maxLatency is 1500ms).
    /// </summary>
    private string ProbeRuns()
    {
        var csv = new StringBuilder("time,probe,ok,latency_ms,reason\n");
        for (var minute = 0; minute < 45; minute++)
        {
            var at = PhaseStart.AddMinutes(minute).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{at},health,true,41,\n{at},ready,true,38,\n");
            csv.Append(minute switch
            {
                40 or 41 => $"{at},checkout-happy-path,false,212,\"status 503, expected 200\"\n",
                42 => $"{at},checkout-happy-path,true,2300,\n",
                _ => $"{at},checkout-happy-path,true,640,\n",
            });
        }

        return TempFile("probe-runs.csv", csv.ToString());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<JsonElement> VerdictAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync(["evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", .. args]);
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    private static JsonElement Trigger(JsonElement verdict, string key) =>
        verdict.GetProperty("triggers").EnumerateArray().Single(t => t.GetProperty("key").GetString() == key);

    [Fact]
    public async Task Three_consecutive_probe_failures_replayed_through_evaluate_roll_back()
    {
        var verdict = await VerdictAsync("--probes", ProbeRuns(), "--at", "2026-11-25T10:45:00Z");

        var probes = Trigger(verdict, "synthetic-probes");
        Assert.Equal("fired", probes.GetProperty("state").GetString());
        Assert.Equal(PhaseStart.AddMinutes(42), probes.GetProperty("firedAt").GetDateTimeOffset());
        // The third failure is the slow answer: over the plan's maxLatency counts as failed, as the live runner judges it.
        Assert.Contains("probe checkout-happy-path: 3 consecutive failures (took 2300 ms, limit 1500 ms)", probes.GetProperty("detail").GetString());
        Assert.Equal("ROLLBACK", verdict.GetProperty("recommendation").GetProperty("text").GetString());
        // The metrics themselves are healthy at 10:45: only the probes roll back.
        Assert.All(verdict.GetProperty("triggers").EnumerateArray().Where(t => t.GetProperty("key").GetString() != "synthetic-probes"),
            t => Assert.NotEqual("fired", t.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Probe_runs_after_the_moment_judged_do_not_count()
    {
        var verdict = await VerdictAsync("--probes", ProbeRuns(), "--at", "2026-11-25T10:41:30Z");

        var probes = Trigger(verdict, "synthetic-probes");
        Assert.Equal(("arming", 2), (probes.GetProperty("state").GetString(), probes.GetProperty("consecutiveBad").GetInt32()));
        Assert.NotEqual("ROLLBACK", verdict.GetProperty("recommendation").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Trigger_streaks_count_from_the_given_time_as_after_a_resume()
    {
        var verdict = await VerdictAsync("--probes", ProbeRuns(), "--at", "2026-11-25T10:45:00Z", "--triggers-from", "2026-11-25T10:41:30Z");

        var probes = Trigger(verdict, "synthetic-probes");
        // Only the 10:42 failure is after 10:41:30: one failure, not three.
        Assert.Equal(JsonValueKind.Null, probes.GetProperty("firedAt").ValueKind);
        Assert.NotEqual("fired", probes.GetProperty("state").GetString());
        Assert.NotEqual("ROLLBACK", verdict.GetProperty("recommendation").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_sign_off_lets_a_phase_that_was_not_auto_approved_advance()
    {
        // The shipped plan with a stricter auto-approval (P95 <= 100 ms): the 50% phase at about 112 ms needs the executive.
        var plan = TempFile("strict.yaml", (await File.ReadAllTextAsync(Plan, Ct)).Replace("          condition: '<= 120 ms'", "          condition: '<= 100 ms'", StringComparison.Ordinal));
        var approvals = TempFile("approvals.csv",
            "who,role,from_phase,reason,time\n" +
            "pat,ProductManager,50%,looks fine to me,2026-11-25T10:50:00Z\n" +
            "ceo,ExecutiveApprover,50%,\"reviewed the board: P95 112 ms, payments clean\",2026-11-25T10:55:00Z\n" +
            "ceo,ExecutiveApprover,50%,signed again later,2026-11-25T11:30:00Z\n");
        async Task<JsonElement> At(string? approvalsFile)
        {
            var args = new List<string> { "evaluate", "--plan", plan, "--samples", Samples, "--phase", "50%", "--at", "2026-11-25T11:00:00Z" };
            if (approvalsFile is not null)
            {
                args.AddRange(["--approvals", approvalsFile]);
            }

            var (exit, output, error) = await RunAsync([.. args]);
            Assert.True(exit == 0, error);
            return JsonDocument.Parse(output).RootElement;
        }

        var unsigned = await At(null);
        var signed = await At(approvals);

        Assert.False(unsigned.GetProperty("advance").GetProperty("autoApproved").GetBoolean());
        Assert.False(unsigned.GetProperty("advance").GetProperty("mayAdvance").GetBoolean());
        Assert.True(signed.GetProperty("advance").GetProperty("mayAdvance").GetBoolean());
        var approval = signed.GetProperty("advance").GetProperty("approval");
        // The product manager's row is not the executive's sign-off, and the 11:30 one had not happened at 11:00.
        Assert.Equal(("ceo", "reviewed the board: P95 112 ms, payments clean"), (approval.GetProperty("actor").GetString(), approval.GetProperty("reason").GetString()));
        Assert.Equal("GO", signed.GetProperty("recommendation").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_missing_phase_is_refused_and_the_plan_phases_are_named()
    {
        var (exit, output, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--phase is required", error);
        Assert.Contains("1%, 10%, 25%, 50%, 100%", error);
    }

    [Fact]
    public async Task A_bad_probe_row_is_reported_with_its_line_and_nothing_is_judged()
    {
        var probes = TempFile("probes.csv", "time,probe,ok,latency_ms\n2026-11-25T10:00:00Z,health,true,40\n2026-11-25T10:01:00Z,health,maybe,40\n2026-11-25T10:02:00Z,smoke,false,\n");

        var (exit, output, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", "--probes", probes);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"{probes}:3: error: ok 'maybe' is not true or false", error);
        Assert.Contains($"{probes}:4: error: probe 'smoke' is not in the plan (its probes: health, ready, checkout-happy-path)", error);
    }

    [Fact]
    public async Task A_probe_file_without_the_columns_names_them()
    {
        var probes = TempFile("probes.csv", "when,name,passed\n2026-11-25T10:00:00Z,health,true\n");

        var (exit, _, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", "--probes", probes);

        Assert.Equal(1, exit);
        Assert.Contains($"{probes}:1: error: the header has no time, probe, ok, latency_ms column", error);
    }

    [Fact]
    public async Task A_sign_off_for_a_phase_the_plan_never_leaves_is_refused()
    {
        var approvals = TempFile("approvals.csv", "who,role,from_phase,reason,time\nceo,ExecutiveApprover,100%,done,2026-11-25T10:55:00Z\nceo,CEO,50%,ok,2026-11-25T10:55:00Z\n");

        var (exit, _, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", "--approvals", approvals);

        Assert.Equal(1, exit);
        Assert.Contains($"{approvals}:2: error: from_phase '100%' is not a phase the plan leaves (phases: 1%, 10%, 25%, 50%)", error);
        Assert.Contains($"{approvals}:3: error: role 'CEO' is not a ShipRoom role", error);
    }

    [Theory]
    [InlineData("--at", "yesterday")]
    [InlineData("--triggers-from", "25/11/2026 10:00")]
    public async Task A_time_that_is_not_iso_8601_is_a_usage_error(string option, string value)
    {
        var (exit, _, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", option, value);

        Assert.Equal(2, exit);
        Assert.Contains($"{option} takes an ISO 8601 time", error);
    }

    [Fact]
    public async Task A_missing_probe_file_is_named()
    {
        var (exit, _, error) = await RunAsync("evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", "--probes", "/no/such/probes.csv");

        Assert.Equal(2, exit);
        Assert.Contains("/no/such/probes.csv", error);
    }
}
