using System.CommandLine;
using System.CommandLine.Parsing;

namespace ShipRoom.Cli;

/// <summary>
/// Parses the arguments with System.CommandLine and runs the command they name. A command line that does not parse
/// (an unknown command or option, a missing value, a malformed time) is refused with every problem and exit code 2
/// before anything runs; writers are passed in so tests run commands in-process.
/// </summary>
public static class CommandLine
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = CommandCatalog.Root();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = Words(parsed.CommandResult);
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"{command}: {problem.Message}");
            }

            var usage = parsed.CommandResult.Command.Subcommands.Count > 0 ? $"{command} <command> [options]" : $"{command} [options]";
            await error.WriteLineAsync($"usage: {usage}; `{command} --help` explains each");
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A file that exists but cannot be read (a folder, no permission, changed underfoot): say so, no stack trace.
            await error.WriteLineAsync($"{Words(parsed.CommandResult)}: {exception.Message}");
            return 1;
        }
    }

    /// <summary>"shiproom plan lint" for the lint command: the words that reach it (the root is always "shiproom", whatever hosts it).</summary>
    private static string Words(CommandResult command)
    {
        var words = new List<string>();
        for (var current = command; current.Parent is CommandResult parent; current = parent)
        {
            words.Insert(0, current.Command.Name);
        }

        return string.Join(' ', words.Prepend("shiproom"));
    }
}
