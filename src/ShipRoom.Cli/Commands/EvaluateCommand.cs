using System.CommandLine;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Recordings;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// `shiproom evaluate`: the what-if tool. Judges recorded samples, probe runs and sign-offs with a plan, for one phase
/// at one moment, and prints the whole verdict as JSON. Every input the live engine judges from can be given.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var plan = CliOptions.ExistingFile("--plan", "the rollout plan (YAML)", required: true);
        var samples = CliOptions.ExistingFile("--samples", "one-minute samples as CSV: time,metric,cohort,journey,value (an archive's samples.csv)", required: true);
        var phase = new Option<string>("--phase") { Description = "required: the phase judged, by its name in the plan (e.g. 50%)", HelpName = "NAME" };
        var phaseStart = CliOptions.Time("--phase-start", "when that phase started (default: the first sample)");
        var at = CliOptions.Time("--at", "the moment judged: minutes before it are complete (default: one minute after the last sample)");
        var probes = CliOptions.ExistingFile("--probes", "synthetic probe runs as CSV: time,probe,ok,latency_ms[,reason] (an archive's probe-runs.csv)");
        var approvals = CliOptions.ExistingFile("--approvals", "sign-offs as CSV: who,role,from_phase,reason,time");
        var triggersFrom = CliOptions.Time("--triggers-from", "where trigger streaks start counting, e.g. the time the rollout was resumed (default: the phase start less the longest trigger)");
        var command = new Command("evaluate", "judge recorded samples, probe runs and sign-offs with a plan; prints the verdict as JSON")
        {
            plan, samples, phase, phaseStart, at, probes, approvals, triggersFrom,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new Request(result.GetRequiredValue(plan), result.GetRequiredValue(samples), result.GetValue(phase), result.GetValue(phaseStart), result.GetValue(at),
                result.GetValue(probes), result.GetValue(approvals), result.GetValue(triggersFrom)),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private sealed record Request(FileInfo Plan, FileInfo Samples, string? Phase, DateTimeOffset? PhaseStart, DateTimeOffset? At, FileInfo? Probes, FileInfo? Approvals, DateTimeOffset? TriggersFrom);

    private static async Task<int> RunAsync(Request request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parsed = PlanParser.Parse(await File.ReadAllTextAsync(request.Plan.FullName, cancellationToken), request.Plan.ToString());
        if (parsed.HasErrors)
        {
            foreach (var problem in parsed.Problems)
            {
                await error.WriteLineAsync(problem.ToString());
            }

            return 1;
        }

        var plan = parsed.Plan!;
        var phases = string.Join(", ", plan.Phases.Select(p => p.Name));
        if (request.Phase is null)
        {
            await error.WriteLineAsync($"shiproom evaluate: --phase is required: name the phase the samples were recorded in (the plan's phases: {phases})");
            return CommandLine.UsageError;
        }

        var phaseIndex = plan.PhaseIndexOf(request.Phase);
        if (phaseIndex < 0)
        {
            await error.WriteLineAsync($"shiproom evaluate: the plan has no phase '{request.Phase}' (phases: {phases})");
            return CommandLine.UsageError;
        }

        IReadOnlyList<MetricSample> samples;
        using (var reader = new StreamReader(request.Samples.FullName))
        {
            var (read, problems) = SampleCsv.Read(reader);
            if (problems.Count > 0)
            {
                foreach (var problem in problems.Take(20))
                {
                    await error.WriteLineAsync($"{request.Samples}:{problem.Line}: error: {problem.Message}");
                }

                return 1;
            }

            samples = read;
        }

        if (samples.Count == 0)
        {
            await error.WriteLineAsync($"{request.Samples}: no samples");
            return 1;
        }

        var phaseStart = request.PhaseStart ?? samples.Min(s => s.Time);
        var at = request.At ?? samples.Max(s => s.Time).AddMinutes(1);
        if (at < phaseStart)
        {
            await error.WriteLineAsync($"shiproom evaluate: --at ({at:O}) is before the phase start ({phaseStart:O})");
            return CommandLine.UsageError;
        }

        var probeRuns = new List<ProbeRun>();
        if (request.Probes is { } probesFile)
        {
            var (runs, problems) = ProbeRunCsv.Read(await File.ReadAllTextAsync(probesFile.FullName, cancellationToken), plan);
            if (await ReportAsync(error, probesFile, problems))
            {
                return 1;
            }

            // A run after the moment judged had not happened yet.
            probeRuns.AddRange(runs.Where(r => r.At <= at).OrderBy(r => r.At).Select(r => r.ToProbeRun(plan.Probes.FirstOrDefault(p => p.Name == r.Probe))));
        }

        var approvalsGiven = new List<ApprovalGiven>();
        if (request.Approvals is { } approvalsFile)
        {
            var (given, problems) = ApprovalCsv.Read(await File.ReadAllTextAsync(approvalsFile.FullName, cancellationToken), plan);
            if (await ReportAsync(error, approvalsFile, problems))
            {
                return 1;
            }

            approvalsGiven.AddRange(given.Where(a => a.At <= at).OrderBy(a => a.At));
        }

        var input = new EvaluationInput(phaseIndex, phaseStart, at, samples, probeRuns, approvalsGiven);
        var verdict = RolloutEvaluator.Default.Evaluate(plan, input, request.TriggersFrom);
        await output.WriteLineAsync(JsonSerializer.Serialize(Without(verdict), ShipRoomJson.Indented));
        return 0;
    }

    private static async Task<bool> ReportAsync(TextWriter error, FileInfo file, IReadOnlyList<CsvProblem> problems)
    {
        foreach (var problem in problems.Take(20))
        {
            await error.WriteLineAsync(problem.ToString(file.ToString()));
        }

        return problems.Count > 0;
    }

    // Per-minute gate history is the dashboard's to chart; the what-if answer stays readable without it.
    private static RolloutVerdict Without(RolloutVerdict verdict) =>
        verdict with { Gates = verdict.Gates.Select(g => g with { History = [] }).ToList() };
}
