using System.Globalization;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// `shiproom evaluate --plan FILE --samples FILE.csv [--at TIME] [--phase NAME] [--phase-start TIME]`: the what-if
/// tool. Judges recorded samples with a plan and prints the whole verdict as JSON.
/// </summary>
internal sealed class EvaluateCommand : ICliCommand
{
    public IReadOnlyList<string> Verb { get; } = ["evaluate"];

    public string Summary => "judge recorded samples with a plan: --plan FILE --samples FILE.csv [--at TIME] [--phase NAME] [--phase-start TIME]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--plan" or "--samples" or "--at" or "--phase" or "--phase-start" && i + 1 < args.Count)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                await error.WriteLineAsync($"shiproom evaluate: unexpected '{args[i]}'. {Summary}");
                return 2;
            }
        }

        if (!options.TryGetValue("--plan", out var planPath) || !options.TryGetValue("--samples", out var samplesPath))
        {
            await error.WriteLineAsync($"shiproom evaluate: --plan and --samples are required. {Summary}");
            return 2;
        }

        foreach (var path in new[] { planPath, samplesPath }.Where(p => !File.Exists(p)))
        {
            await error.WriteLineAsync($"{path}: no such file");
            return 2;
        }

        var parsed = PlanParser.Parse(await File.ReadAllTextAsync(planPath, cancellationToken), planPath);
        if (parsed.HasErrors)
        {
            foreach (var problem in parsed.Problems)
            {
                await error.WriteLineAsync(problem.ToString());
            }

            return 1;
        }

        var plan = parsed.Plan!;
        IReadOnlyList<MetricSample> samples;
        using (var reader = new StreamReader(samplesPath))
        {
            var (read, problems) = SampleCsv.Read(reader);
            if (problems.Count > 0)
            {
                foreach (var problem in problems.Take(20))
                {
                    await error.WriteLineAsync($"{samplesPath}:{problem.Line}: error: {problem.Message}");
                }

                return 1;
            }

            samples = read;
        }

        if (samples.Count == 0)
        {
            await error.WriteLineAsync($"{samplesPath}: no samples");
            return 1;
        }

        var phaseIndex = 0;
        if (options.TryGetValue("--phase", out var phaseName) && (phaseIndex = plan.PhaseIndexOf(phaseName)) < 0)
        {
            await error.WriteLineAsync($"shiproom evaluate: the plan has no phase '{phaseName}' (phases: {string.Join(", ", plan.Phases.Select(p => p.Name))})");
            return 2;
        }

        if (!TryTime(options, "--phase-start", samples.Min(s => s.Time), out var phaseStart) || !TryTime(options, "--at", samples.Max(s => s.Time).AddMinutes(1), out var at))
        {
            await error.WriteLineAsync("shiproom evaluate: --at and --phase-start take an ISO 8601 time, e.g. 2026-11-25T12:00:00Z");
            return 2;
        }

        var verdict = RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(phaseIndex, phaseStart, at, samples));
        await output.WriteLineAsync(JsonSerializer.Serialize(Without(verdict), ShipRoomJson.Indented));
        return 0;
    }

    // Per-minute gate history is the dashboard's to chart; the what-if answer stays readable without it.
    private static RolloutVerdict Without(RolloutVerdict verdict) =>
        verdict with { Gates = verdict.Gates.Select(g => g with { History = [] }).ToList() };

    private static bool TryTime(Dictionary<string, string> options, string key, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (!options.TryGetValue(key, out var text))
        {
            time = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
