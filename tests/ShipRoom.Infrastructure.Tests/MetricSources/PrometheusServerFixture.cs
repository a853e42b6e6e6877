using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ShipRoom.Infrastructure.Tests.MetricSources;

/// <summary>
/// A real Prometheus (Debian's package) on 127.0.0.1 with a temporary data directory, scraping a small exporter that
/// this fixture serves: control and canary series whose values the tests set.
/// </summary>
public sealed class PrometheusServerFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-prometheus-").FullName;
    private readonly HttpListener _exporter = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _serverLog = new();
    private Process? _server;
    private Task? _exporterLoop;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The exposition the exporter serves on every scrape; tests change it.</summary>
    public volatile string Exposition = "";

    public string ServerLog { get { lock (_serverLog) { return _serverLog.ToString(); } } }

    public async ValueTask InitializeAsync()
    {
        var prometheus = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus is not installed: scripts/test.sh installs Debian's prometheus package.");
        var exporterPort = FreePort();
        _exporter.Prefixes.Add($"http://127.0.0.1:{exporterPort}/");
        _exporter.Start();
        _exporterLoop = ServeExporterAsync();

        var serverPort = FreePort();
        var config = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: shiproom-test
                static_configs:
                  - targets: ['127.0.0.1:{exporterPort}']
            """);
        var start = new ProcessStartInfo(prometheus) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_directory, "data")}", $"--web.listen-address=127.0.0.1:{serverPort}", "--web.enable-lifecycle" })
        {
            start.ArgumentList.Add(arg);
        }

        _server = Process.Start(start)!;
        _server.ErrorDataReceived += (_, e) => { lock (_serverLog) { _serverLog.AppendLine(e.Data); } };
        _server.OutputDataReceived += (_, e) => { lock (_serverLog) { _serverLog.AppendLine(e.Data); } };
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();
        BaseUrl = new Uri($"http://127.0.0.1:{serverPort}/");

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_server.ExitCode}:\n{ServerLog}");
            }

            try
            {
                if ((await client.GetAsync(new Uri(BaseUrl, "-/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"prometheus was not ready within 30 s:\n{ServerLog}");
    }

    /// <summary>Waits until Prometheus has scraped a value for the query, so a test reads what it served.</summary>
    public async Task WaitForValueAsync(string query, string expected, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var body = await client.GetStringAsync(new Uri(BaseUrl, $"api/v1/query?query={Uri.EscapeDataString(query)}"), cancellationToken);
            if (body.Contains($"\"{expected}\"", StringComparison.Ordinal))
            {
                // Readers ask at whole seconds: let the second of the scrape that carried the value pass.
                await Task.Delay(1100, cancellationToken);
                return;
            }

            await Task.Delay(250, cancellationToken);
        }

        Assert.Fail($"Prometheus never returned {expected} for {query}");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _exporter.Stop();
        if (_exporterLoop is not null)
        {
            await _exporterLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _exporter.Close();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ServeExporterAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _exporter.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(Exposition);
            context.Response.ContentType = "text/plain; version=0.0.4";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
