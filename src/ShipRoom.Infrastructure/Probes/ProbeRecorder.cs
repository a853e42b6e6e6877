using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Probes;

/// <summary>Keeps every probe run (the trigger board and the archive read them) and counts it on /metrics.</summary>
public sealed class ProbeRecorder(IProbeRunRepository probeRuns, Telemetry.RolloutMetrics metrics)
{
    /// <summary>One sweep's runs of a rollout's probes, stored together.</summary>
    public async Task RecordAsync(long rolloutId, IReadOnlyList<HttpProbeRunner.Result> results, CancellationToken cancellationToken)
    {
        await probeRuns.InsertAsync(rolloutId, results.Select(r => new NewProbeRun(r.Run, r.LatencyMs, r.StatusCode)).ToList(), cancellationToken);
        foreach (var result in results)
        {
            metrics.ProbeRuns.Add(1, new KeyValuePair<string, object?>("result", result.Run.Passed ? "passed" : "failed"));
        }
    }
}
