using System.CommandLine;
using System.CommandLine.Help;
using ShipRoom.Cli.Commands;

namespace ShipRoom.Cli;

/// <summary>Every command `shiproom` knows, in the order its help lists them.</summary>
internal static class CommandCatalog
{
    public static RootCommand Root()
    {
        var root = new RootCommand("shiproom: lint rollout plans, judge recorded samples with a plan (what-if), replay a rollout archive, migrate the database, recover administrator access.")
        {
            new Command("plan", "rollout plan files") { PlanLintCommand.Create() },
            EvaluateCommand.Create(),
            ReplayCommand.Create(),
            MigrateCommand.Create(),
            AdminCommand.Create(),
            VersionCommand.Create(),
        };

        // `shiproom` alone shows the commands instead of complaining that none was given.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return 0;
        });
        return root;
    }
}
