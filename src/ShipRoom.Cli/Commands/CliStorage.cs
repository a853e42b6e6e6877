using System.CommandLine;
using Microsoft.Extensions.Configuration;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// The database a command works on: `--provider` and `--connection-string`, else the settings the app reads
/// (appsettings.json, then ShipRoom__Storage__Provider and ConnectionStrings__ShipRoom from the environment).
/// </summary>
internal sealed class CliStorage
{
    public Option<string> Provider { get; } = new("--provider") { Description = "Sqlite or Postgres (default: ShipRoom:Storage:Provider from appsettings.json and the environment)", HelpName = "Sqlite|Postgres" };

    public Option<string> ConnectionString { get; } = new("--connection-string") { Description = "the database (default: ConnectionStrings:ShipRoom); a secret, never printed", HelpName = "CS" };

    public void AddTo(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
    }

    /// <summary>The storage options, or null after naming every problem on <paramref name="error"/>.</summary>
    public async Task<StorageOptions?> ReadAsync(ParseResult result, string commandName, TextWriter error)
    {
        var overrides = new Dictionary<string, string?>();
        if (result.GetValue(Provider) is { } name)
        {
            overrides[$"{StorageOptions.SectionName}:Provider"] = name;
        }

        if (result.GetValue(ConnectionString) is { } text)
        {
            overrides[$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = text;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        options.ConnectionString ??= configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        var validation = new StorageOptionsValidator().Validate(null, options);
        if (!validation.Failed)
        {
            return options;
        }

        foreach (var failure in validation.Failures)
        {
            await error.WriteLineAsync($"shiproom {commandName}: {failure}");
        }

        return null;
    }
}
