using Microsoft.Data.Sqlite;
using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_applies_the_schema_once_then_reports_it_current()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("shiproom-cli-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "shiproom.db")}";
        try
        {
            var first = new StringWriter();
            var second = new StringWriter();

            var firstExit = await CommandLine.RunAsync(["migrate", "--provider", "Sqlite", "--connection-string", connectionString], first, TextWriter.Null, ct);
            var secondExit = await CommandLine.RunAsync(["migrate", "--provider", "Sqlite", "--connection-string", connectionString], second, TextWriter.Null, ct);

            Assert.Equal((0, 0), (firstExit, secondExit));
            Assert.Contains("applied 0001_initial.sql", first.ToString());
            Assert.Contains("schema is current", second.ToString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_provider_is_named_and_exits_2()
    {
        var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["migrate", "--provider", "Oracle"], TextWriter.Null, error, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("ShipRoom:Storage:Provider must be Sqlite or Postgres, was 'Oracle'", error.ToString());
    }
}
