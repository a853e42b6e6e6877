using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Probes;

/// <summary>Keeps every probe run (the trigger board and the archive read them) and counts it on /metrics.</summary>
public sealed class ProbeRecorder(IProbeRunRepository probeRuns, Telemetry.RolloutMetrics metrics)
{
    public async Task RecordAsync(long rolloutId, HttpProbeRunner.Result result, CancellationToken cancellationToken)
    {
        await probeRuns.InsertAsync(rolloutId, result.Run, result.LatencyMs, result.StatusCode, cancellationToken);
        metrics.ProbeRuns.Add(1, new KeyValuePair<string, object?>("result", result.Run.Passed ? "passed" : "failed"));
    }
}
