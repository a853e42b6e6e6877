using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>A fresh, migrated database on one engine, with the real repositories on it.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<Task> _drop;

    public TestDatabase(StorageOptions options, Func<Task> drop)
    {
        Options = options;
        _drop = drop;
        Connections = StorageServiceCollectionExtensions.CreateConnectionFactory(options);
        Migrations = new MigrationRunner(Connections, Microsoft.Extensions.Options.Options.Create(options), NullLogger<MigrationRunner>.Instance);
    }

    public StorageOptions Options { get; }

    public IDbConnectionFactory Connections { get; }

    public MigrationRunner Migrations { get; }

    public UserRepository Users => new(Connections);

    public AuditLog Audit => new(Connections);

    public RolloutRepository Rollouts => new(Connections);

    public SampleRepository Samples => new(Connections);

    public PollRunRepository PollRuns => new(Connections);

    public DecisionRepository Decisions => new(Connections);

    /// <summary>Another runner on the same database, as a second instance would have.</summary>
    public MigrationRunner SecondInstanceMigrations() =>
        new(StorageServiceCollectionExtensions.CreateConnectionFactory(Options), Microsoft.Extensions.Options.Options.Create(Options), NullLogger<MigrationRunner>.Instance);

    /// <summary>Applies the shipped migrations named before <paramref name="first"/> only: the schema as it was before that one.</summary>
    public async Task MigrateBeforeAsync(string first, CancellationToken cancellationToken)
    {
        var before = Directory.CreateTempSubdirectory("shiproom-migrations-").FullName;
        try
        {
            foreach (var folder in new[] { "sqlite", "postgres" })
            {
                Directory.CreateDirectory(Path.Combine(before, folder));
                foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "db", folder), "*.sql").Where(f => string.CompareOrdinal(Path.GetFileName(f), first) < 0))
                {
                    File.Copy(file, Path.Combine(before, folder, Path.GetFileName(file)));
                }
            }

            var options = new StorageOptions { Provider = Options.Provider, ConnectionString = Options.ConnectionString, MigrationsPath = before };
            await new MigrationRunner(Connections, Microsoft.Extensions.Options.Options.Create(options), NullLogger<MigrationRunner>.Instance).MigrateAsync(cancellationToken);
        }
        finally
        {
            Directory.Delete(before, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Connections is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await _drop();
    }
}

/// <summary>Makes fresh databases on SQLite files or on the test PostgreSQL server.</summary>
public interface IStorageEngine
{
    Task<TestDatabase> CreateAsync(bool migrate = true);
}

public sealed class SqliteEngine : IStorageEngine
{
    public async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var directory = Directory.CreateTempSubdirectory("shiproom-sqlite-").FullName;
        var options = new StorageOptions { Provider = "Sqlite", ConnectionString = $"Data Source={Path.Combine(directory, "data", "shiproom.db")}" };
        var database = new TestDatabase(options, () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        });
        if (migrate)
        {
            await database.Migrations.MigrateAsync(Xunit.TestContext.Current.CancellationToken);
        }

        return database;
    }
}

public sealed class PostgresEngine(PostgresServer server) : IStorageEngine
{
    public async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var name = $"shiproom_test_{Guid.NewGuid():N}";
        var connectionString = await server.CreateDatabaseAsync(name);
        var database = new TestDatabase(new StorageOptions { Provider = "Postgres", ConnectionString = connectionString }, () => server.DropDatabaseAsync(name));
        if (migrate)
        {
            await database.Migrations.MigrateAsync(Xunit.TestContext.Current.CancellationToken);
        }

        return database;
    }
}
