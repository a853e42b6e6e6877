using System.Diagnostics;

namespace ShipRoom.Infrastructure.Tests.MetricSources.Recorded;

/// <summary>
/// A real Prometheus serving recorded history: the series are written as OpenMetrics, turned into TSDB blocks with
/// <c>promtool tsdb create-blocks-from openmetrics</c>, and the server starts on those blocks (no scraping), so
/// /api/v1/query_range answers for the recorded hours exactly as it would have then.
/// </summary>
public sealed class RecordedPrometheus : IAsyncDisposable
{
    private readonly string _directory;
    private readonly PrometheusProcess _server;

    private RecordedPrometheus(string directory, PrometheusProcess server)
    {
        _directory = directory;
        _server = server;
    }

    public Uri BaseUrl => _server.BaseUrl;

    public string Log => _server.Log;

    public static async Task<RecordedPrometheus> StartAsync(ServiceSeries series, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("shiproom-recorded-prometheus-").FullName;
        try
        {
            var input = Path.Combine(directory, "series.om");
            await using (var writer = new StreamWriter(input))
            {
                series.WriteTo(writer);
            }

            var data = Path.Combine(directory, "data");
            await RunAsync(PrometheusProcess.Binary("promtool"), ["tsdb", "create-blocks-from", "openmetrics", input, data], TimeSpan.FromMinutes(3), cancellationToken);
            File.Delete(input);
            var server = await PrometheusProcess.StartAsync(directory, data, "global:\n  scrape_interval: 1m\n", TimeSpan.FromSeconds(60));
            return new RecordedPrometheus(directory, server);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static async Task RunAsync(string program, string[] arguments, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeLimit.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeLimit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish within {limit.TotalMinutes:0} minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
