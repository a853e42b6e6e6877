using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// `shiproom migrate [--provider Sqlite|Postgres] [--connection-string CS]`: applies the migrations ahead of a deployment.
/// Without options it reads the same settings the app does (appsettings.json, then ShipRoom__Storage__Provider and
/// ConnectionStrings__ShipRoom from the environment).
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var storage = new CliStorage();
        var command = new Command("migrate", "apply the database migrations ahead of a deployment");
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(storage, result, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliStorage storage, ParseResult result, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        if (await storage.ReadAsync(result, "migrate", error) is not { } options)
        {
            return CommandLine.UsageError;
        }

        var connections = StorageServiceCollectionExtensions.CreateConnectionFactory(options);
        try
        {
            var runner = new MigrationRunner(connections, Options.Create(options), NullLogger<MigrationRunner>.Instance);
            var applied = await runner.MigrateAsync(cancellationToken);
            await output.WriteLineAsync(applied.Count == 0
                ? $"shiproom migrate: {options.Provider} schema is current."
                : $"shiproom migrate: applied {string.Join(", ", applied)} on {options.Provider}.");
            return 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await error.WriteLineAsync($"shiproom migrate: {exception.Message}");
            return 1;
        }
        finally
        {
            if (connections is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
