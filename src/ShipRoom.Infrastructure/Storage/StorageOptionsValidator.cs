using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Every problem with the storage settings, each naming its key; never the connection string's value.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.StorageSection);
        const string connectionKey = ConfigurationKeys.ConnectionString;
        problems.OneOf(nameof(options.Provider), options.Provider, Enum.GetNames<StorageProvider>());
        if (string.Equals(options.Provider, nameof(StorageProvider.Postgres), StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString) || options.ConnectionString == StorageOptions.DefaultSqliteConnectionString)
            {
                problems.Add($"{connectionKey} must be set to a PostgreSQL connection string (Host=...;Database=...;Username=...) when {ConfigurationKeys.StorageProvider} is Postgres.");
            }
            else if (!IsValid(() => new NpgsqlConnectionStringBuilder(options.ConnectionString)))
            {
                problems.Add($"{connectionKey} is not a valid PostgreSQL connection string (expected Host=...;Database=...;Username=...).");
            }
        }
        else if (string.Equals(options.Provider, nameof(StorageProvider.Sqlite), StringComparison.OrdinalIgnoreCase)
            && !IsValid(() => new SqliteConnectionStringBuilder(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString)))
        {
            problems.Add($"{connectionKey} is not a valid SQLite connection string (expected Data Source=data/shiproom.db).");
        }

        problems.Range(nameof(options.StartupTimeoutSeconds), options.StartupTimeoutSeconds, 1, 600);
        if (options.MigrationsPath is { Length: > 0 } path && !Directory.Exists(path))
        {
            problems.Add($"{problems.Key(nameof(options.MigrationsPath))} points to a folder that does not exist; leave it out to use db/ beside the binaries.");
        }

        return problems.Result;
    }

    private static bool IsValid(Func<object> parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
