using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// One background job's pass over every rollout: the work runs for each rollout that wants it, and one rollout's
/// failure is logged without stopping the others.
/// </summary>
public static class RolloutSweep
{
    /// <summary>Runs <paramref name="work"/> for each wanted rollout; returns the sum of what each run counted.</summary>
    /// <param name="activity">What the work is, for the log line when it fails for one rollout ("Probing").</param>
    /// <param name="liveOnly">Only live rollouts can be wanted: only they are listed, not every rollout ever made.</param>
    public static async Task<int> SumAsync(
        IRolloutRepository rollouts,
        Func<RolloutRecord, bool> wanted,
        Func<RolloutRecord, CancellationToken, Task<int>> work,
        ILogger logger,
        string activity,
        CancellationToken cancellationToken,
        bool liveOnly = false)
    {
        var counted = 0;
        foreach (var rollout in liveOnly ? await rollouts.ListLiveAsync(cancellationToken) : await rollouts.ListAsync(cancellationToken))
        {
            if (!wanted(rollout))
            {
                continue;
            }

            try
            {
                counted += await work(rollout, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "{Activity} failed for rollout {RolloutId}", activity, rollout.Id);
            }
        }

        return counted;
    }
}
