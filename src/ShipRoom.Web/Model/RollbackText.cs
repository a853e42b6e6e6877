using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Model;

/// <summary>
/// Time to rollback in words, and only what was measured: with no deploy system nothing was sent, so nothing is timed
/// and nothing is ticked; with one, the acknowledgement and (where the deploy system reports it) traffic restored.
/// </summary>
public static class RollbackText
{
    public const string RecordedOnlyBanner = "Actions are recorded only — no deploy system is configured";

    public const string RecordedResult = "recorded — carry out by runbook";

    public static string Describe(RollbackTiming rollback, bool actionsRecordedOnly)
    {
        var budget = $"budget {Format.Duration(rollback.Budget)}";
        if (rollback.RecordedOnly)
        {
            return "not measured — recorded only, nothing was sent";
        }

        if (rollback.Error is { } error)
        {
            return $"not measured — the deploy system failed: {error}";
        }

        if (rollback.Took is { } took)
        {
            var acknowledged = $"acknowledged in {Seconds(took)}";
            return rollback.ToCompletion is { } completion
                ? $"{acknowledged}; traffic restored in {Seconds(completion)} ({(completion <= rollback.Budget ? "within" : "over")} the {Format.Duration(rollback.Budget)} budget)"
                : $"{acknowledged}; traffic restored: not reported yet ({budget})";
        }

        if (rollback.RequestedAt is not null)
        {
            return $"waiting for the deploy system ({budget})";
        }

        return actionsRecordedOnly ? "not measured — no deploy system is configured" : budget;
    }

    private static string Seconds(TimeSpan span) => span.TotalMinutes < 1
        ? $"{span.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}s"
        : Format.Duration(span);
}
