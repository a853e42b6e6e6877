using System.CommandLine;
using ShipRoom.Core.Plans;

namespace ShipRoom.Cli.Commands;

/// <summary>`shiproom plan lint FILE...`: every problem as FILE:LINE:COL, exit 1 when any is an error.</summary>
internal static class PlanLintCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "plan files (YAML) to check", Arity = ArgumentArity.OneOrMore };
        var command = new Command("lint", "check plan files; prints FILE:LINE:COL: error: ... for every problem, exit code 1 when any is an error") { files };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetRequiredValue(files), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var failed = false;
        foreach (var path in args)
        {
            if (!File.Exists(path))
            {
                await error.WriteLineAsync($"{path}: no such file");
                return CommandLine.UsageError;
            }

            if (new FileInfo(path).Length > PlanParser.MaxPlanBytes)
            {
                await output.WriteLineAsync($"{path}:1:1: error: plan: the file is larger than {PlanParser.MaxPlanBytes / 1024} KB");
                failed = true;
                continue;
            }

            // Bytes that are not UTF-8 are reported where they are, never read as replacement characters.
            if (PlanText.Decode(await File.ReadAllBytesAsync(path, cancellationToken), path, out var text) is { } undecodable)
            {
                await output.WriteLineAsync(undecodable.ToString());
                failed = true;
                continue;
            }

            var result = PlanParser.Parse(text!, path);
            foreach (var problem in result.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column))
            {
                await output.WriteLineAsync(problem.ToString());
            }

            if (result.HasErrors)
            {
                failed = true;
            }
            else
            {
                var plan = result.Plan!;
                await output.WriteLineAsync($"{path}: ok — {plan.Release.Version}, {plan.Phases.Count} phases ({string.Join(" → ", plan.Phases.Select(p => p.Name))}), " +
                                            $"{plan.Metrics.Count} metrics, {plan.Gates.Count} gates, {plan.Triggers.Count} triggers");
            }
        }

        return failed ? 1 : 0;
    }
}
