using System.CommandLine;
using System.Reflection;

namespace ShipRoom.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "print the version of shiproom");
        command.SetAction(result =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            result.InvocationConfiguration.Output.WriteLine($"shiproom {version}");
            return 0;
        });
        return command;
    }
}
