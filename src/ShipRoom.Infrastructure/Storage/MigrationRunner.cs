using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Applies db/{engine}/NNNN_name.sql in order, each in its own transaction, recording name and checksum in
/// schema_migrations. On PostgreSQL a session advisory lock makes instances that start together take turns;
/// on SQLite each migration runs under BEGIN IMMEDIATE and re-checks what is applied inside it.
/// </summary>
public sealed class MigrationRunner(IDbConnectionFactory connections, IOptions<StorageOptions> options, ILogger<MigrationRunner> logger) : IMigrationRunner
{
    // An arbitrary constant every ShipRoom instance agrees on.
    private const long PostgresMigrationLock = 7_474_850_002_001;

    private const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = LoadMigrations();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var applied = new List<string>();
        if (connections.Provider == StorageProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = PostgresMigrationLock }, cancellationToken: cancellationToken));
        }
        else
        {
            // WAL lets readers (the dashboard) go on while a poll writes.
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: cancellationToken));
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateMigrationsTable, cancellationToken: cancellationToken));
            foreach (var migration in migrations)
            {
                if (await ApplyAsync(connection, migration, cancellationToken))
                {
                    applied.Add(migration.Name);
                    logger.LogInformation("Applied migration {Migration}", migration.Name);
                }
            }
        }
        finally
        {
            if (connections.Provider == StorageProvider.Postgres)
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = PostgresMigrationLock }, cancellationToken: CancellationToken.None));
            }
        }

        return applied;
    }

    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken)
    {
        var expected = LoadMigrations().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var tableExists = connections.Provider == StorageProvider.Postgres
            ? await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken))
            : await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", cancellationToken: cancellationToken)) > 0;
        if (!tableExists)
        {
            return false;
        }

        var recorded = await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM schema_migrations", cancellationToken: cancellationToken));
        return expected.IsSubsetOf(recorded);
    }

    private async Task<bool> ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var checksum = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT checksum FROM schema_migrations WHERE name = @name", new { name = migration.Name }, transaction, cancellationToken: cancellationToken));
        if (checksum is not null)
        {
            if (checksum != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"Migration {migration.Name} was changed after it was applied (its checksum differs). Put the change in a new migration file instead.");
            }

            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (name, checksum, applied_at_ms) VALUES (@name, @checksum, @at)",
            new { name = migration.Name, checksum = migration.Checksum, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private List<Migration> LoadMigrations()
    {
        var root = options.Value.MigrationsPath is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "db");
        var folder = Path.Combine(root, connections.Provider == StorageProvider.Postgres ? "postgres" : "sqlite");
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"No migrations folder at {folder}: the db/ folder must ship beside the binaries.");
        }

        return Directory.EnumerateFiles(folder, "*.sql")
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var sql = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
                var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
                return new Migration(Path.GetFileName(path), sql, checksum);
            })
            .ToList();
    }

    private sealed record Migration(string Name, string Sql, string Checksum);
}
