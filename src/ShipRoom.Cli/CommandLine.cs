using ShipRoom.Cli.Commands;

namespace ShipRoom.Cli;

/// <summary>Finds the command whose verb the arguments start with and runs it.</summary>
public static class CommandLine
{
    public static IReadOnlyList<ICliCommand> Commands { get; } = CommandCatalog.All();

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var command = Commands
            .Where(c => c.Verb.Count <= args.Count && c.Verb.SequenceEqual(args.Take(c.Verb.Count), StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(c => c.Verb.Count)
            .FirstOrDefault();
        if (command is null)
        {
            await PrintUsageAsync(args.Count == 0 || args[0] is "-h" or "--help" or "help" ? output : error);
            return args.Count == 0 || args[0] is "-h" or "--help" or "help" ? 0 : 2;
        }

        return await command.RunAsync(args.Skip(command.Verb.Count).ToList(), output, error, cancellationToken);
    }

    private static async Task PrintUsageAsync(TextWriter writer)
    {
        await writer.WriteLineAsync("usage: shiproom <command> [options]");
        await writer.WriteLineAsync();
        foreach (var command in Commands)
        {
            await writer.WriteLineAsync($"  {string.Join(' ', command.Verb),-16} {command.Summary}");
        }
    }
}
