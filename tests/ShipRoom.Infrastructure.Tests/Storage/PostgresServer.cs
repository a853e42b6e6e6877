using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(ShipRoom.Infrastructure.Tests.Storage.PostgresServer))]

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>
/// The PostgreSQL server the storage tests use: SHIPROOM_TEST_POSTGRES when scripts/test.sh (or you) point at one,
/// otherwise a throwaway cluster started here as the postgres user and removed at the end. Missing PostgreSQL
/// binaries fail the tests with a message; they are never skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "SHIPROOM_TEST_POSTGRES";

    private readonly bool _private;
    private string? _clusterDirectory;
    private string? _binDirectory;
    private int _port;

    public PostgresServer()
        : this(isPrivate: false)
    {
    }

    private PostgresServer(bool isPrivate) => _private = isPrivate;

    /// <summary>A cluster of its own (never SHIPROOM_TEST_POSTGRES), for a test that stops and starts the server.</summary>
    public static async Task<PostgresServer> StartPrivateAsync()
    {
        var server = new PostgresServer(isPrivate: true);
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Stops the server (a private cluster only), as an outage would.</summary>
    public Task StopAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_binDirectory!, "pg_ctl"), "-D", Path.Combine(_clusterDirectory!, "data"), "-m", "immediate", "-w", "stop");

    /// <summary>Starts a stopped private cluster again on the same port.</summary>
    public Task StartAgainAsync() => StartClusterAsync();

    private Task StartClusterAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_binDirectory!, "pg_ctl"), "-D", Path.Combine(_clusterDirectory!, "data"), "-l", Path.Combine(_clusterDirectory!, "log"), "-w", "-t", "30",
            "-o", $"-F -k {_clusterDirectory} -p {_port} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");

    public string AdminConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!_private && !string.IsNullOrWhiteSpace(configured))
        {
            AdminConnectionString = configured;
            return;
        }

        _binDirectory = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (_binDirectory is null)
        {
            throw new InvalidOperationException($"PostgreSQL is not installed and {EnvironmentVariable} is not set: run scripts/test.sh, which installs it and starts a cluster.");
        }

        _clusterDirectory = Directory.CreateTempSubdirectory("shiproom-pg-").FullName;
        await RunAsync("chown", "postgres", _clusterDirectory);
        _port = FreePort();
        var data = Path.Combine(_clusterDirectory, "data");
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_binDirectory, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await StartClusterAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres";
    }

    /// <summary>A new, empty database on the server; dropped by the returned handle.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_clusterDirectory is null || _binDirectory is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(_clusterDirectory, "data", "postmaster.pid")))
        {
            await StopAsync();
        }

        Directory.Delete(_clusterDirectory, recursive: true);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
