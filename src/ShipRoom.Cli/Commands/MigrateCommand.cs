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
internal sealed class MigrateCommand : ICliCommand
{
    public IReadOnlyList<string> Verb { get; } = ["migrate"];

    public string Summary => "apply the database migrations (--provider Sqlite|Postgres, --connection-string CS)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--provider" when i + 1 < args.Count:
                    overrides[$"{StorageOptions.SectionName}:Provider"] = args[++i];
                    break;
                case "--connection-string" when i + 1 < args.Count:
                    overrides[$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = args[++i];
                    break;
                default:
                    await error.WriteLineAsync($"shiproom migrate: unknown option '{args[i]}'. Use --provider Sqlite|Postgres and --connection-string CS.");
                    return 2;
            }
        }

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

            return 2;
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
