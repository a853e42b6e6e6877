using System.Diagnostics;
using System.Net;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;
using static ShipRoom.Web.Tests.Deployment.DeployFiles;

namespace ShipRoom.Web.Tests.Deployment;

/// <summary>
/// Docker does not run here, so deploy/ is checked against the app instead: every setting is a key the app
/// documents, the probe paths answer on an app started with the manifests' settings, the migration command the Job
/// and compose run exists and migrates, and the files agree with each other (names, ports, labels, image paths).
/// </summary>
public sealed class DeploymentFilesTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await postgres.DropDatabaseAsync(database);
        }
    }

    private static IReadOnlyDictionary<string, string> ShipRoomEnvironment(string service) => Map(Compose, "services", service, "environment");

    private static Dictionary<string, string> KubernetesEnvironment()
    {
        var environment = new Dictionary<string, string>(Map(Kind("ConfigMap"), "data"));
        foreach (var (key, value) in Map(Kind("Secret"), "stringData"))
        {
            environment[key] = value;
        }

        return environment;
    }

    private async Task<string> DatabaseAsync()
    {
        var name = $"shiproom_deploy_{Guid.NewGuid():N}";
        _databases.Add(name);
        return await postgres.CreateDatabaseAsync(name);
    }

    [Fact]
    public void Every_setting_in_compose_and_the_manifests_is_a_key_the_app_documents()
    {
        var documented = DocumentedKeys();
        var settings = ShipRoomEnvironment("shiproom-1").Keys.Concat(KubernetesEnvironment().Keys)
            .Where(k => k != "ASPNETCORE_ENVIRONMENT") // read by ASP.NET itself
            .Distinct().ToList();

        Assert.True(settings.Count > 10, "the settings were read");
        Assert.All(settings, key => Assert.True(documented.Contains(ConfigurationKey(key)), $"{key} ({ConfigurationKey(key)}) is not a key README.md documents"));
        Assert.Contains("ShipRoom:Proxy:KnownNetworks", documented);
    }

    [Fact]
    public void Production_settings_turn_the_demo_off()
    {
        Assert.Equal("false", ShipRoomEnvironment("shiproom-1")["ShipRoom__Demo__Enabled"]);
        Assert.Equal("false", KubernetesEnvironment()["ShipRoom__Demo__Enabled"]);
        Assert.Contains("ShipRoom__Demo__Enabled=false", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile")));
    }

    [Fact]
    public void Compose_runs_two_identical_instances_behind_the_proxy_after_the_migration()
    {
        var services = ((YamlDotNet.RepresentationModel.YamlMappingNode)At(Compose, "services")).Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Equal(["postgres", "migrate", "shiproom-1", "shiproom-2", "proxy", "sample-exporter", "prometheus"], services);
        Assert.Equal(ShipRoomEnvironment("shiproom-1"), ShipRoomEnvironment("shiproom-2"));
        Assert.Equal(ShipRoomEnvironment("shiproom-1"), ShipRoomEnvironment("migrate"));
        Assert.Equal("service_completed_successfully", Text(Compose, "services", "shiproom-1", "depends_on", "migrate", "condition"));
        Assert.Equal(["CMD", "curl", "-fsS", "http://127.0.0.1:8080/ready"], Texts(Compose, "services", "shiproom-2", "healthcheck", "test"));
        Assert.Equal("http://+:8080", ShipRoomEnvironment("shiproom-1")["Urls"]);

        // nginx sends to exactly the two instances, on the port they listen on, hashing a cookie for stickiness.
        var nginx = File.ReadAllText(Path.Combine(Folder, "nginx", "shiproom.conf"));
        Assert.Contains("./nginx/shiproom.conf:/etc/nginx/conf.d/default.conf:ro", Texts(Compose, "services", "proxy", "volumes"));
        Assert.Contains("server shiproom-1:8080", nginx);
        Assert.Contains("server shiproom-2:8080", nginx);
        Assert.Contains("hash $shiproom_affinity consistent;", nginx);

        // Prometheus scrapes the exporter on the port it serves and both instances; ShipRoom reads that Prometheus.
        var prometheus = Load(Path.Combine(Folder, "prometheus", "prometheus.yml")).Single();
        Assert.Equal(["sample-exporter:9105"], Texts(prometheus, "scrape_configs", "0", "static_configs", "0", "targets"));
        Assert.Equal(["shiproom-1:8080", "shiproom-2:8080"], Texts(prometheus, "scrape_configs", "1", "static_configs", "0", "targets"));
        Assert.Equal("9105", Texts(Compose, "services", "sample-exporter", "command")[^1]);
        Assert.Equal("http://prometheus:9090", ShipRoomEnvironment("shiproom-1")["ShipRoom__Prometheus__BaseUrl"]);
    }

    [Fact]
    public void The_image_is_pinned_restores_in_its_own_layer_ignores_local_files_and_carries_the_cli_where_the_job_runs_it()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Dockerfile"));
        var from = dockerfile.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, from.Count);
        Assert.All(from, line => Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(sdk|aspnet):\d+\.\d+\.\d+-\w+ AS \w+$", line));

        // Every project the published apps need is copied before the restore, and the restore comes before COPY . .
        var restore = Array.FindIndex(dockerfile, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var copyAll = Array.IndexOf(dockerfile, "COPY . .");
        Assert.True(restore > 0 && copyAll > restore, "restore runs before the sources are copied");
        foreach (var project in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, project).Replace('\\', '/');
            Assert.Contains(dockerfile[..restore], line => line.StartsWith($"COPY {relative} ", StringComparison.Ordinal));
        }

        var ignore = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, ".dockerignore"));
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
        Assert.Contains("data/", ignore);
        Assert.Contains(".git/", ignore);

        // The CLI is published to /app/publish/cli and the runtime image copies /app/publish into /app.
        Assert.Contains(dockerfile, l => l.Contains("-o /app/publish/cli", StringComparison.Ordinal));
        Assert.Contains("COPY --from=build /app/publish .", dockerfile);
        Assert.Contains("WORKDIR /app", dockerfile);
        var job = Texts(Kind("Job"), "spec", "template", "spec", "containers", "0", "command");
        Assert.Equal(["dotnet", "/app/cli/shiproom.dll", "migrate"], job);
        Assert.Equal(job, Texts(Compose, "services", "migrate", "entrypoint"));
    }

    [Fact]
    public void The_kubernetes_objects_point_at_each_other()
    {
        var kustomization = Load(Path.Combine(Folder, "kubernetes", "kustomization.yaml")).Single();
        var listed = Texts(kustomization, "resources").Order().ToList();
        var present = Directory.GetFiles(Path.Combine(Folder, "kubernetes"), "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order().ToList();
        Assert.Equal(present, listed);

        var deployment = Kind("Deployment");
        var pod = At(deployment, "spec", "template");
        var container = At(pod, "spec", "containers", "0");
        var podLabels = Map(pod, "metadata", "labels");
        Assert.Equal("2", Text(deployment, "spec", "replicas"));
        Assert.Equal("0", Text(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
        Assert.Equal(Map(deployment, "spec", "selector", "matchLabels"), podLabels);
        Assert.Equal("/health", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health", Text(container, "startupProbe", "httpGet", "path"));
        Assert.Equal("/ready", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("8080", Text(container, "ports", "0", "containerPort"));
        Assert.Equal("http://+:8080", KubernetesEnvironment()["Urls"]);
        Assert.NotEmpty(Text(container, "resources", "limits", "memory"));
        Assert.NotEmpty(Text(container, "resources", "limits", "cpu"));
        Assert.Equal(Text(Kind("ConfigMap"), "metadata", "name"), Text(container, "envFrom", "0", "configMapRef", "name"));
        Assert.Equal(Text(Kind("Secret"), "metadata", "name"), Text(container, "envFrom", "1", "secretRef", "name"));
        Assert.Equal(Text(container, "image"), Text(Kind("Job"), "spec", "template", "spec", "containers", "0", "image"));

        var service = Kind("Service");
        Assert.Equal(podLabels, Map(service, "spec", "selector"));
        Assert.Equal(podLabels, Map(Kind("PodDisruptionBudget"), "spec", "selector", "matchLabels"));
        Assert.Equal("1", Text(Kind("PodDisruptionBudget"), "spec", "minAvailable"));

        var ingress = Kind("Ingress");
        Assert.Equal("cookie", Map(ingress, "metadata", "annotations")["nginx.ingress.kubernetes.io/affinity"]);
        var backend = At(ingress, "spec", "rules", "0", "http", "paths", "0", "backend", "service");
        Assert.Equal(Text(service, "metadata", "name"), Text(backend, "name"));
        Assert.Equal(Text(service, "spec", "ports", "0", "name"), Text(backend, "port", "name"));
    }

    [Fact]
    public async Task The_app_started_with_the_kubernetes_settings_answers_every_probe_over_plain_http()
    {
        var environment = KubernetesEnvironment()
            .ToDictionary(p => p.Key, p => p.Value.Replace("REPLACE_ME", "a-long-test-secret-for-this-run", StringComparison.Ordinal));
        environment["ConnectionStrings__ShipRoom"] = await DatabaseAsync();
        var port = AppProcess.FreePort();
        environment["Urls"] = $"http://127.0.0.1:{port}";
        await using var app = AppProcess.Start(RepositoryRoot.WebAppDll, RepositoryRoot.Path, environment);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await app.WaitForOkAsync(client, "/ready", TimeSpan.FromSeconds(60), Ct);

        var container = At(Kind("Deployment"), "spec", "template", "spec", "containers", "0");
        var metricsPath = Map(Kind("Deployment"), "spec", "template", "metadata", "annotations")["prometheus.io/path"];
        foreach (var path in new[] { Text(container, "startupProbe", "httpGet", "path"), Text(container, "livenessProbe", "httpGet", "path"), Text(container, "readinessProbe", "httpGet", "path"), metricsPath })
        {
            // Not a redirect: RequireHttps is on in the ConfigMap and a kubelet would count a 307 as healthy.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, Ct)).StatusCode);
        }

        // A browser's page is sent to https, as the ConfigMap asks.
        Assert.Equal(HttpStatusCode.TemporaryRedirect, (await client.GetAsync("/login", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_migration_command_the_job_runs_exists_and_migrates_with_the_manifest_settings()
    {
        var cli = Path.Combine(RepositoryRoot.Path, "src", "ShipRoom.Cli", "bin", RepositoryRoot.Configuration, "net10.0", "shiproom.dll");
        var command = Texts(Kind("Job"), "spec", "template", "spec", "containers", "0", "command");
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Path };
        start.ArgumentList.Add(cli);
        foreach (var argument in command.Skip(2))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in KubernetesEnvironment())
        {
            start.Environment[key] = value;
        }

        start.Environment["ConnectionStrings__ShipRoom"] = await DatabaseAsync();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct) + await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("shiproom migrate: applied 0001_initial.sql", output);
        Assert.Contains("0005_data_protection_keys.sql", output);
    }
}
