using System.Diagnostics;
using System.Text;

namespace ShipRoom.Infrastructure.Tests.MetricSources;

/// <summary>
/// Debian's Prometheus server on 127.0.0.1 with a configuration and a data directory the caller owns, started with a
/// bounded wait for /-/ready and killed (with its children) on dispose.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _server;
    private readonly StringBuilder _log = new();

    private PrometheusProcess(Process server, Uri baseUrl)
    {
        _server = server;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public string Log { get { lock (_log) { return _log.ToString(); } } }

    public static string Binary(string name) => new[] { $"/usr/bin/{name}", $"/usr/local/bin/{name}" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: scripts/test.sh installs Debian's prometheus package.");

    /// <summary>Starts the server on a free port with <paramref name="configYaml"/> and data in <paramref name="dataDirectory"/>, waiting at most <paramref name="readyWithin"/>.</summary>
    public static async Task<PrometheusProcess> StartAsync(string workDirectory, string dataDirectory, string configYaml, TimeSpan readyWithin, params string[] extraArguments)
    {
        var port = PrometheusServerFixture.FreePort();
        var config = Path.Combine(workDirectory, "prometheus.yml");
        await File.WriteAllTextAsync(config, configYaml);
        var start = new ProcessStartInfo(Binary("prometheus")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={dataDirectory}", $"--web.listen-address=127.0.0.1:{port}" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        var process = new PrometheusProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        process._server.ErrorDataReceived += (_, e) => { lock (process._log) { process._log.AppendLine(e.Data); } };
        process._server.OutputDataReceived += (_, e) => { lock (process._log) { process._log.AppendLine(e.Data); } };
        process._server.BeginErrorReadLine();
        process._server.BeginOutputReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (DateTime.UtcNow < deadline)
        {
            if (process._server.HasExited)
            {
                var log = process.Log;
                await process.DisposeAsync();
                throw new InvalidOperationException($"prometheus exited with {process._server.ExitCode}:\n{log}");
            }

            try
            {
                if ((await client.GetAsync(new Uri(process.BaseUrl, "-/ready"))).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Still starting.
            }

            await Task.Delay(200);
        }

        var lastLog = process.Log;
        await process.DisposeAsync();
        throw new InvalidOperationException($"prometheus was not ready within {readyWithin.TotalSeconds:0} s:\n{lastLog}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server.Dispose();
    }
}
