using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShipRoom.Core;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Reliability;

/// <summary>
/// ShipRoom instances as real processes (dotnet ShipRoom.Web.dll, the operator's way) on one PostgreSQL of their own,
/// which a test may stop and start. Each instance is reached over HTTP on 127.0.0.1 with an API token.
/// </summary>
public sealed class ShipRoomCluster : IAsyncDisposable
{
    private readonly List<AppProcess> _processes = [];

    private ShipRoomCluster(PostgresServer postgres, string connectionString)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
    }

    public PostgresServer Postgres { get; }

    public string ConnectionString { get; }

    public string Token { get; private set; } = "";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static async Task<ShipRoomCluster> StartAsync()
    {
        var postgres = await PostgresServer.StartPrivateAsync();
        var connectionString = await postgres.CreateDatabaseAsync("shiproom");
        return new ShipRoomCluster(postgres, connectionString);
    }

    public sealed record Instance(AppProcess Process, HttpClient Http, int Port, Dictionary<string, string> Environment)
    {
        public Uri Address => new($"http://127.0.0.1:{Port}");
    }

    /// <summary>Starts one more instance and waits until it is ready; the first one migrates and gets the API token issued.</summary>
    public async Task<Instance> StartInstanceAsync(IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var chosen = port ?? AppProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ShipRoom__Storage__Provider"] = "Postgres",
            ["ConnectionStrings__ShipRoom"] = ConnectionString,
            ["SHIPROOM_ADMIN_PASSWORD"] = ShipRoomAppFactory.AdminPassword,
            ["Urls"] = $"http://127.0.0.1:{chosen}",
            ["ShipRoom__Demo__Enabled"] = "false",
            ["ShipRoom__Polling__SchedulerTick"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return await StartAsync(environment, chosen);
    }

    /// <summary>The same instance again (same port and settings) after it was killed.</summary>
    public Task<Instance> RestartAsync(Instance killed) => StartAsync(killed.Environment, killed.Port);

    private async Task<Instance> StartAsync(Dictionary<string, string> environment, int port)
    {
        var process = AppProcess.Start(RepositoryRoot.WebAppDll, RepositoryRoot.Path, environment);
        _processes.Add(process);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await process.WaitForOkAsync(http, "/ready", TimeSpan.FromSeconds(90), Ct);
        if (Token.Length == 0)
        {
            Token = (await IssueTokenAsync("reliability", "ReleaseEngineer", "IncidentCommander")).Token;
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return new Instance(process, http, port, environment);
    }

    /// <summary>A token with these roles, issued straight into the shared database (the instances' own token is ReleaseEngineer + IncidentCommander).</summary>
    public async Task<IssuedApiToken> IssueTokenAsync(string name, params string[] roles)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = ConnectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddShipRoomStorage(configuration).AddApiTokens(configuration);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<ApiTokenService>().IssueAsync(name, roles, TimeSpan.FromHours(1), "test", Ct);
    }

    /// <summary>
    /// A running rollout of the shipped 1% → 100% plan on the given metric source. Another live canary's infra lock
    /// refuses it unless <paramref name="executive"/> (a client with a ReleaseEngineer + ExecutiveApprover token) gives
    /// <paramref name="freezeOverride"/>.
    /// </summary>
    public static async Task<long> CreateRunningRolloutAsync(Instance instance, string metricSource = "simulator", HttpClient? executive = null, string? freezeOverride = null)
    {
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        using var response = await (executive ?? instance.Http).PostAsJsonAsync("/api/rollouts",
            new { planYaml = plan, fileName = "plan.yaml", metricSource, scenario = "healthy", start = true, freezeOverrideReason = freezeOverride }, ShipRoomJson.Options, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"creating a rollout answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> SnapshotAsync(Instance instance, long rolloutId) =>
        JsonDocument.Parse(await instance.Http.GetStringAsync($"/api/rollouts/{rolloutId}", Ct)).RootElement;

    public static Task<HttpResponseMessage> RollBackAsync(Instance instance, long rolloutId, string reason, CancellationToken cancellationToken) =>
        instance.Http.PostAsJsonAsync($"/api/rollouts/{rolloutId}/commands/rollback", new { reason }, ShipRoomJson.Options, cancellationToken);

    /// <summary>Polls until <paramref name="done"/> holds, at most <paramref name="timeout"/>; fails the test with <paramref name="what"/> otherwise.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what, int everyMilliseconds = 100)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(everyMilliseconds, Ct);
        }

        Assert.Fail($"{what} did not happen within {timeout.TotalSeconds} s");
    }

    /// <summary>Writes a measured figure where the test run keeps its artifacts, and to the test's output.</summary>
    public static void Record(string line)
    {
        var folder = Environment.GetEnvironmentVariable("SHIPROOM_TEST_ARTIFACTS") ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        File.AppendAllText(Path.Combine(folder, "reliability-figures.txt"), $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
        Xunit.TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine($"[reliability] {line}");
    }

    public string Output(Instance instance) => instance.Process.Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
