using ShipRoom.Cli.Commands;

namespace ShipRoom.Cli;

/// <summary>Every command `shiproom` knows, in the order its usage lists them.</summary>
internal static class CommandCatalog
{
    public static IReadOnlyList<ICliCommand> All() =>
    [
        new PlanLintCommand(),
        new EvaluateCommand(),
        new MigrateCommand(),
        new VersionCommand(),
    ];
}
