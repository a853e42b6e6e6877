using Npgsql;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// <c>pgdb create|drop --cs CONNECTION --name DB</c>: a database of its own on the given server for one bench run, so
/// the figures never read another run's rows (and a test server's databases are left alone). <c>create</c> prints the
/// connection string of the new database.
/// </summary>
public static class PostgresDatabase
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.FirstOrDefault();
        var options = Options.Parse(args[1..]);
        var server = new NpgsqlConnectionStringBuilder(options.Required("cs"));
        var name = options.Required("name");
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9_]+$"))
        {
            throw new ArgumentException("--name: lower-case letters, digits and _ only");
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        var sql = verb switch
        {
            "create" => $"CREATE DATABASE {name}",
            "drop" => $"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            _ => throw new ArgumentException("pgdb create|drop --cs CONNECTION --name DB"),
        };
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        if (verb == "create")
        {
            await Console.Out.WriteLineAsync(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString);
        }

        return 0;
    }
}
