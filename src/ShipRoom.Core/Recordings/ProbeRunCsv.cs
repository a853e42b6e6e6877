using System.Globalization;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Reports;

namespace ShipRoom.Core.Recordings;

/// <summary>
/// One synthetic probe run as recorded: when, which probe, whether it passed its checks, how long it took (empty when
/// it got no answer) and why it failed.
/// </summary>
public sealed record RecordedProbeRun(DateTimeOffset At, string Probe, bool Ok, double? LatencyMs, string? Reason)
{
    /// <summary>
    /// The run as the engine judges it: failed when it was not ok, or when it took longer than the plan's maxLatency for
    /// that probe (the rule ShipRoom's own probe runner applies).
    /// </summary>
    public ProbeRun ToProbeRun(ProbeDefinition? definition)
    {
        if (Ok && definition?.MaxLatency is { } max && LatencyMs is { } latency && latency > max.TotalMilliseconds)
        {
            return new ProbeRun(Probe, At, false, $"took {latency.ToString("0.#", CultureInfo.InvariantCulture)} ms, limit {max.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        }

        return new ProbeRun(Probe, At, Ok, Reason is { Length: > 0 } ? Reason : null);
    }
}

/// <summary>
/// Probe runs as CSV: a header <c>time,probe,ok,latency_ms,reason</c> (reason may be left out), one row per run.
/// `ok` is true/false (also pass/fail, yes/no, 1/0). `shiproom evaluate --probes` reads it; the rollout archive
/// writes its probe-runs.csv in the same format.
/// </summary>
public static class ProbeRunCsv
{
    public static readonly string[] Required = ["time", "probe", "ok", "latency_ms"];
    public static readonly string[] Optional = ["reason"];

    /// <summary>Reads the runs; with a <paramref name="plan"/>, a probe the plan does not name is a problem too.</summary>
    public static (IReadOnlyList<RecordedProbeRun> Runs, IReadOnlyList<CsvProblem> Problems) Read(string text, RolloutPlan? plan = null)
    {
        var (table, headerProblem) = CsvTable.Parse(text, Required, Optional);
        if (table is null)
        {
            return ([], [headerProblem!]);
        }

        var runs = new List<RecordedProbeRun>();
        var problems = new List<CsvProblem>();
        foreach (var row in table.Rows)
        {
            if (!IsoTime.TryParse(row["time"], out var at))
            {
                problems.Add(new CsvProblem(row.Line, $"time '{row["time"]}' is not an ISO 8601 time"));
            }
            else if (row["probe"].Length == 0)
            {
                problems.Add(new CsvProblem(row.Line, "probe is empty"));
            }
            else if (plan is not null && plan.Probes.All(p => p.Name != row["probe"]))
            {
                problems.Add(new CsvProblem(row.Line, $"probe '{row["probe"]}' is not in the plan (its probes: {(plan.Probes.Count == 0 ? "none" : string.Join(", ", plan.Probes.Select(p => p.Name)))})"));
            }
            else if (Ok(row["ok"]) is not { } ok)
            {
                problems.Add(new CsvProblem(row.Line, $"ok '{row["ok"]}' is not true or false"));
            }
            else if (!TryLatency(row["latency_ms"], out var latency))
            {
                problems.Add(new CsvProblem(row.Line, $"latency_ms '{row["latency_ms"]}' is not a number of milliseconds (leave it empty when the probe got no answer)"));
            }
            else
            {
                runs.Add(new RecordedProbeRun(at, row["probe"], ok, latency, row["reason"].Length == 0 ? null : row["reason"]));
            }
        }

        return (runs, problems);
    }

    public static string Write(IEnumerable<RecordedProbeRun> runs) =>
        CsvText.Table([.. Required, .. Optional], runs.OrderBy(r => r.At),
            r => [r.At, r.Probe, r.Ok ? "true" : "false", r.LatencyMs, r.Reason]);

    /// <summary>Empty is "no answer" (null); anything else must be a non-negative number of milliseconds.</summary>
    private static bool TryLatency(string text, out double? latency)
    {
        latency = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms >= 0)
        {
            latency = ms;
            return true;
        }

        return false;
    }

    private static bool? Ok(string text) => text.ToLowerInvariant() switch
    {
        "true" or "pass" or "passed" or "yes" or "1" => true,
        "false" or "fail" or "failed" or "no" or "0" => false,
        _ => null,
    };
}
