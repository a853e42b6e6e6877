using System.Reflection;

namespace ShipRoom.Cli.Commands;

internal sealed class VersionCommand : ICliCommand
{
    public IReadOnlyList<string> Verb { get; } = ["version"];

    public string Summary => "print the version of shiproom";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        await output.WriteLineAsync($"shiproom {version}");
        return 0;
    }
}
