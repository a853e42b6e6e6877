namespace ShipRoom.Cli.Commands;

/// <summary>One `shiproom` verb. Writers are passed in so tests run commands in-process.</summary>
public interface ICliCommand
{
    /// <summary>The words that select this command, e.g. ["plan", "lint"].</summary>
    IReadOnlyList<string> Verb { get; }

    string Summary { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}
