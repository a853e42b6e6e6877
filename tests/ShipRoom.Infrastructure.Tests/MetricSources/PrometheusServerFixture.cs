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
    private PrometheusProcess? _server;
    private Task? _exporterLoop;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The exposition the exporter serves on every scrape; tests change it.</summary>
    public volatile string Exposition = "";

    public string ServerLog => _server?.Log ?? "";

    public async ValueTask InitializeAsync()
    {
        var exporterPort = FreePort();
        _exporter.Prefixes.Add($"http://127.0.0.1:{exporterPort}/");
        _exporter.Start();
        _exporterLoop = ServeExporterAsync();
        _server = await PrometheusProcess.StartAsync(_directory, Path.Combine(_directory, "data"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: shiproom-test
                static_configs:
                  - targets: ['127.0.0.1:{exporterPort}']
            """, TimeSpan.FromSeconds(60), "--web.enable-lifecycle");
        BaseUrl = _server.BaseUrl;
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
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
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
