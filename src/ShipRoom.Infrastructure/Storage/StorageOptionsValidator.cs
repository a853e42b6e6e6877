using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Every problem with the storage settings, each naming its key; never the connection string's value.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new List<string>();
        var connectionKey = $"ConnectionStrings:{StorageOptions.ConnectionStringName}";
        if (!Enum.TryParse<StorageProvider>(options.Provider, ignoreCase: true, out var provider) || int.TryParse(options.Provider, out _))
        {
            problems.Add($"{StorageOptions.SectionName}:Provider must be Sqlite or Postgres, was '{options.Provider}'.");
        }
        else if (provider == StorageProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString) || options.ConnectionString == StorageOptions.DefaultSqliteConnectionString)
            {
                problems.Add($"{connectionKey} must be set to a PostgreSQL connection string (Host=...;Database=...;Username=...) when {StorageOptions.SectionName}:Provider is Postgres.");
            }
            else if (!IsValid(() => new NpgsqlConnectionStringBuilder(options.ConnectionString)))
            {
                problems.Add($"{connectionKey} is not a valid PostgreSQL connection string (expected Host=...;Database=...;Username=...).");
            }
        }
        else if (!IsValid(() => new SqliteConnectionStringBuilder(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString)))
        {
            problems.Add($"{connectionKey} is not a valid SQLite connection string (expected Data Source=data/shiproom.db).");
        }

        if (options.StartupTimeoutSeconds is < 1 or > 600)
        {
            problems.Add($"{StorageOptions.SectionName}:StartupTimeoutSeconds must be between 1 and 600, was {options.StartupTimeoutSeconds}.");
        }

        if (options.MigrationsPath is { Length: > 0 } path && !Directory.Exists(path))
        {
            problems.Add($"{StorageOptions.SectionName}:MigrationsPath points to a folder that does not exist.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
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
