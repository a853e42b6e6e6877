using System.CommandLine;
using Microsoft.Extensions.Configuration;
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
        var provider = new Option<string>("--provider") { Description = "Sqlite or Postgres (default: ShipRoom:Storage:Provider from appsettings.json and the environment)", HelpName = "Sqlite|Postgres" };
        var connectionString = new Option<string>("--connection-string") { Description = "the database (default: ConnectionStrings:ShipRoom); a secret, never printed", HelpName = "CS" };
        var command = new Command("migrate", "apply the database migrations ahead of a deployment") { provider, connectionString };
        command.SetAction((result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(provider) is { } name)
            {
                overrides[$"{StorageOptions.SectionName}:Provider"] = name;
            }

            if (result.GetValue(connectionString) is { } text)
            {
                overrides[$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = text;
            }

            return RunAsync(overrides, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string?> overrides, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        options.ConnectionString ??= configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        var validation = new StorageOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures)
            {
                await error.WriteLineAsync($"shiproom migrate: {failure}");
            }

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
