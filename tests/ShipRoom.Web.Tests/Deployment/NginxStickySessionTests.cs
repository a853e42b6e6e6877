using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;
using static ShipRoom.Web.Tests.Deployment.DeployFiles;

namespace ShipRoom.Web.Tests.Deployment;

/// <summary>
/// deploy/nginx/shiproom.conf, run by Debian's nginx in front of two ShipRoom processes on one PostgreSQL, both
/// started with compose.yaml's settings. A Blazor circuit needs its negotiate request and its WebSocket on the same
/// instance: with the affinity cookie every browser lands on one instance, browsers spread over both, and the
/// WebSocket for a negotiated circuit always opens. Only the upstream addresses and the listening port are changed
/// (and a test-only header that names the instance that answered).
/// </summary>
public sealed class NginxStickySessionTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Nginx = "/usr/sbin/nginx";

    private readonly string _database = $"shiproom_nginx_{Guid.NewGuid():N}";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("shiproom-nginx-");
    private readonly List<AppProcess> _apps = [];
    private Process? _nginx;
    private int _port;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // xunit does not dispose a fixture whose start failed: stop what was started before failing.
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        Assert.True(File.Exists(Nginx), $"{Nginx} is missing: scripts/test.sh installs Debian's nginx");
        var connectionString = await postgres.CreateDatabaseAsync(_database);
        var ports = new[] { AppProcess.FreePort(), AppProcess.FreePort() };
        foreach (var port in ports)
        {
            var environment = Map(Compose, "services", "shiproom-1", "environment").ToDictionary(p => p.Key, p => p.Value);
            environment["ConnectionStrings__ShipRoom"] = connectionString;
            environment["SHIPROOM_ADMIN_PASSWORD"] = ShipRoomAppFactory.AdminPassword;
            environment["Urls"] = $"http://127.0.0.1:{port}";
            environment["ShipRoom__Proxy__KnownNetworks__0"] = "127.0.0.0/8";
            _apps.Add(AppProcess.Start(RepositoryRoot.WebAppDll, RepositoryRoot.Path, environment));
        }

        foreach (var (app, port) in _apps.Zip(ports))
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await app.WaitForOkAsync(client, "/ready", TimeSpan.FromSeconds(90), Ct);
        }

        _port = AppProcess.FreePort();
        var site = (await File.ReadAllTextAsync(Path.Combine(Folder, "nginx", "shiproom.conf"), Ct))
            .Replace("server shiproom-1:8080", $"server 127.0.0.1:{ports[0]}", StringComparison.Ordinal)
            .Replace("server shiproom-2:8080", $"server 127.0.0.1:{ports[1]}", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{_port};", StringComparison.Ordinal)
            .Replace("        proxy_pass http://shiproom;", "        proxy_pass http://shiproom;\n        add_header X-Test-Upstream $upstream_addr always;", StringComparison.Ordinal);
        Assert.Contains("X-Test-Upstream", site);
        var w = _work.FullName;
        await File.WriteAllTextAsync(Path.Combine(w, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{w}}/nginx.pid;
            error_log {{w}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{w}}/body;
                proxy_temp_path {{w}}/proxy;
                fastcgi_temp_path {{w}}/fastcgi;
                uwsgi_temp_path {{w}}/uwsgi;
                scgi_temp_path {{w}}/scgi;
            {{site}}
            }
            """, Ct);
        var start = new ProcessStartInfo(Nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", w, "-c", Path.Combine(w, "nginx.conf") })
        {
            start.ArgumentList.Add(argument);
        }

        _nginx = Process.Start(start)!;
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (_nginx.HasExited)
            {
                Assert.Fail($"nginx exited with {_nginx.ExitCode}: {await _nginx.StandardError.ReadToEndAsync(Ct)}");
            }

            try
            {
                if ((await probe.GetAsync("/health", Ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("nginx did not answer within 5 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill();
            await _nginx.WaitForExitAsync();
        }

        _nginx?.Dispose();
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await postgres.DropDatabaseAsync(_database);
        _work.Delete(recursive: true);
    }

    private HttpClient Browser(CookieContainer jar) =>
        new(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

    [Fact]
    public async Task Each_browser_stays_on_one_instance_and_browsers_spread_over_both()
    {
        var seen = new HashSet<string>();
        for (var browser = 0; browser < 16; browser++)
        {
            var jar = new CookieContainer();
            using var client = Browser(jar);
            var upstreams = new HashSet<string>();
            for (var request = 0; request < 5; request++)
            {
                var response = await client.GetAsync("/login", Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                upstreams.Add(response.Headers.GetValues("X-Test-Upstream").Single());
            }

            Assert.Single(upstreams);
            Assert.Contains("shiproom_affinity=", jar.GetCookieHeader(client.BaseAddress!));
            seen.UnionWith(upstreams);
        }

        // 16 browsers all on one instance would happen by chance once in 30,000 runs.
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task A_signed_in_browser_s_circuit_negotiates_and_opens_its_websocket_every_time()
    {
        for (var browser = 0; browser < 8; browser++)
        {
            var jar = new CookieContainer();
            using var client = Browser(jar);
            var signIn = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, Ct);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/rollouts", Ct)).StatusCode);

            using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
            negotiate.Headers.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
            var negotiated = await client.SendAsync(negotiate, Ct);
            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            var token = JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("connectionToken").GetString();

            // The connection token lives only in the memory of the instance that negotiated: the WebSocket must get there.
            using var socket = new ClientWebSocket();
            socket.Options.Cookies = jar;
            socket.Options.SetRequestHeader("Origin", client.BaseAddress.GetLeftPart(UriPartial.Authority));
            socket.Options.CollectHttpResponseDetails = true;
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_port}/_blazor?id={token}"), Ct);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        }
    }
}
