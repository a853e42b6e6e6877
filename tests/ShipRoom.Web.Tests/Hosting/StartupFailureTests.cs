using ShipRoom.Web.Model;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>A wrong setting stops ShipRoom with every problem named and a non-zero exit code.</summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_malformed_setting_is_listed_and_the_app_exits_non_zero()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var workDir = Directory.CreateTempSubdirectory("shiproom-badconfig-").FullName;
        await using var app = AppProcess.Start(RepositoryRoot.WebAppDll, workDir, new Dictionary<string, string>
        {
            ["ShipRoom__Storage__Provider"] = "Oracle",
            ["ShipRoom__Auth__Mode"] = "Magic",
            ["ShipRoom__Auth__MaxFailedSignIns"] = "0",
            ["ShipRoom__Proxy__KnownProxies__0"] = "ingress.local",
            ["ShipRoom__Proxy__KnownNetworks__0"] = "10.42.0.0/99",
            ["ShipRoom__Security__AllowedOrigins__0"] = "https://wall.example.com/board",
            ["Urls"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exitCode = await app.WaitForExitAsync(ExitTimeout, ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ShipRoom cannot start", app.Output);
        Assert.Contains("ShipRoom:Storage:Provider must be Sqlite or Postgres, was 'Oracle'", app.Output);
        Assert.Contains("ShipRoom:Auth:Mode must be Local or OpenIdConnect, was 'Magic'", app.Output);
        Assert.Contains("ShipRoom:Auth:MaxFailedSignIns", app.Output);
        Assert.Contains("ShipRoom:Proxy:KnownProxies:0 must be an IP address (e.g. 10.0.0.12), was 'ingress.local'", app.Output);
        Assert.Contains("ShipRoom:Proxy:KnownNetworks:0 must be a network in CIDR form (e.g. 10.42.0.0/16), was '10.42.0.0/99'", app.Output);
        Assert.Contains("ShipRoom:Security:AllowedOrigins:0 must be an origin: scheme, host and port only (e.g. https://wall.example.com), was 'https://wall.example.com/board'", app.Output);
        Assert.False(File.Exists(Path.Combine(workDir, "data", "shiproom.db")), "nothing is created when the configuration is wrong");
    }

    /// <summary>One wrong value at a time, as an operator would make it: the app stops, naming the key and the fix.</summary>
    [Theory]
    [InlineData("ShipRoom__Polling__DefaultPollInterval", "0", "ShipRoom:Polling:DefaultPollInterval must be between 00:01:00 and 1.00:00:00 (hh:mm:ss), was 00:00:00.")]
    [InlineData("ShipRoom__Polling__SchedulerTick", "soon", "ShipRoom:Polling:SchedulerTick cannot be read as a duration: write hh:mm:ss (e.g. 00:15:00)")]
    [InlineData("ShipRoom__Prometheus__BaseUrl", "prometheus:9090", "ShipRoom:Prometheus:BaseUrl must be an absolute http(s) address (e.g. http://prometheus:9090).")]
    [InlineData("ShipRoom__Prometheus__TimeoutSeconds", "0", "ShipRoom:Prometheus:TimeoutSeconds must be between 1 and 300, was 0.")]
    [InlineData("ShipRoom__Demo__Scenario", "apocalypse", "ShipRoom:Demo:Scenario must be one of healthy, latency-regression,")]
    [InlineData("ShipRoom__Demo__PlanFile", "plans/missing.yaml", "ShipRoom:Demo:PlanFile 'plans/missing.yaml' is not a file")]
    [InlineData("ShipRoom__Demo__TimeFactor", "0", "ShipRoom:Demo:TimeFactor must be between 0.1 and 1000, was 0.")]
    [InlineData("ShipRoom__Security__ApiRequestsPerMinute", "0", "ShipRoom:Security:ApiRequestsPerMinute must be between 1 and 100000, was 0.")]
    [InlineData("ShipRoom__Security__RequireHttps", "maybe", "ShipRoom:Security:RequireHttps cannot be read as true or false.")]
    [InlineData("ShipRoom__Metrics__RequireAuthentication", "yes-please", "ShipRoom:Metrics:RequireAuthentication cannot be read as true or false.")]
    [InlineData("ShipRoom__Telemetry__OtlpEndpoint", "collector:4318", "ShipRoom:Telemetry:OtlpEndpoint must be an absolute http(s) address (e.g. http://otel-collector:4318).")]
    [InlineData("ShipRoom__Telemetry__OtlpProtocol", "udp", "ShipRoom:Telemetry:OtlpProtocol must be http/protobuf or grpc, was 'udp'.")]
    [InlineData("ShipRoom__Logging__Format", "xml", "ShipRoom:Logging:Format must be text or json, was 'xml'.")]
    public async Task A_wrong_setting_stops_start_up_naming_its_key_and_the_fix(string variable, string value, string message)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var workDir = Directory.CreateTempSubdirectory("shiproom-badsetting-").FullName;
        await using var app = AppProcess.Start(RepositoryRoot.WebAppDll, workDir, new Dictionary<string, string>
        {
            ["ShipRoom__Demo__Enabled"] = variable.StartsWith("ShipRoom__Demo__", StringComparison.Ordinal) ? "true" : "false",
            [variable] = value,
            ["Urls"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exitCode = await app.WaitForExitAsync(ExitTimeout, ct);

        Assert.Equal(2, exitCode);
        Assert.Contains("ShipRoom cannot start", app.Output);
        Assert.Contains($"  - {message}", app.Output);
        Assert.False(File.Exists(Path.Combine(workDir, "data", "shiproom.db")), "nothing is created when the configuration is wrong");
    }

    [Fact]
    public async Task An_unreachable_postgres_stops_the_app_naming_the_setting_but_not_the_password()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var closedPort = AppProcess.FreePort();
        await using var app = AppProcess.Start(RepositoryRoot.WebAppDll, Directory.CreateTempSubdirectory("shiproom-nopg-").FullName, new Dictionary<string, string>
        {
            ["ShipRoom__Storage__Provider"] = "Postgres",
            ["ShipRoom__Storage__StartupTimeoutSeconds"] = "5",
            ["ConnectionStrings__ShipRoom"] = $"Host=127.0.0.1;Port={closedPort};Username=shiproom;Password=SuperSecret-Value-42;Database=shiproom;Timeout=2",
            ["ShipRoom__Auth__InitialAdminPassword"] = "Long-Enough-Password-1",
            ["Urls"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exitCode = await app.WaitForExitAsync(ExitTimeout, ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ShipRoom cannot start", app.Output);
        Assert.Contains("ConnectionStrings:ShipRoom", app.Output);
        Assert.DoesNotContain("SuperSecret-Value-42", app.Output);
    }
}
