using System.Text.Json;
using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

/// <summary>
/// The what-if tool on a 2-hour series of the 50% phase (fixtures/checkout-50pct-2h.csv): healthy for 80 minutes,
/// then the canary's checkout journey runs at about 128 ms P95 while the overall P95 stays near 112 ms.
/// </summary>
public sealed class EvaluateCommandTests
{
    private static readonly string Plan = Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml");
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "fixtures", "checkout-50pct-2h.csv");

    private static async Task<JsonElement> EvaluateAsync(string at)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["evaluate", "--plan", Plan, "--samples", Samples, "--phase", "50%", "--at", at], output, error, Xunit.TestContext.Current.CancellationToken);
        Assert.True(exit == 0, error.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement;
    }

    [Fact]
    public async Task An_hour_in_every_gate_is_green_and_50_to_100_is_auto_approved()
    {
        var verdict = await EvaluateAsync("2026-11-25T11:00:00Z");

        Assert.Equal("green", verdict.GetProperty("overall").GetString());
        Assert.All(verdict.GetProperty("gates").EnumerateArray(), g => Assert.Equal("green", g.GetProperty("status").GetString()));
        Assert.True(verdict.GetProperty("advance").GetProperty("autoApproved").GetBoolean());
        Assert.Equal("GO", verdict.GetProperty("recommendation").GetProperty("text").GetString());
        Assert.Equal(100, verdict.GetProperty("judgement").GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task After_two_hours_the_checkout_journey_trigger_has_fired_and_the_recommendation_is_hold()
    {
        var verdict = await EvaluateAsync("2026-11-25T12:00:00Z");

        var trigger = verdict.GetProperty("triggers").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "p95-critical-journeys");
        Assert.Equal("fired", trigger.GetProperty("state").GetString());
        // The regression starts at 11:20; "ten minutes across two consecutive checks" fires on the tenth bad minute.
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T11:29:00Z"), trigger.GetProperty("firedAt").GetDateTimeOffset());
        Assert.Equal("HOLD", verdict.GetProperty("recommendation").GetProperty("text").GetString());
        Assert.False(verdict.GetProperty("advance").GetProperty("mayAdvance").GetBoolean());
        Assert.Equal(0, verdict.GetProperty("judgement").GetProperty("score").GetDouble());
        Assert.Contains("P95 latency +", verdict.GetProperty("judgement").GetProperty("summary").GetString());
        // The overall P95 is fine; the gate judges each journey too and names the one that fails it.
        var p95Gate = verdict.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "p95-target");
        Assert.Equal(("red", "checkout"), (p95Gate.GetProperty("status").GetString(), p95Gate.GetProperty("journey").GetString()));
    }

    [Fact]
    public async Task A_malformed_csv_line_is_reported_with_its_number()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var path = Path.Combine(Directory.CreateTempSubdirectory("shiproom-eval-").FullName, "bad.csv");
        await File.WriteAllTextAsync(path, "time,metric,cohort,journey,value\n2026-11-25T10:00:00Z,p95_latency_ms,canary,,101\n2026-11-25T10:01:00Z,p95_latency_ms,treatment,,99\n", ct);
        var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["evaluate", "--plan", Plan, "--samples", path, "--phase", "50%"], TextWriter.Null, error, ct);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:3: error: cohort 'treatment' is not control or canary", error.ToString());
    }

    [Fact]
    public async Task An_unknown_phase_is_named()
    {
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["evaluate", "--plan", Plan, "--samples", Samples, "--phase", "75%"], TextWriter.Null, error, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("the plan has no phase '75%'", error.ToString());
    }
}
