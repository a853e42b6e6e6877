using System.Globalization;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// What one instance tells the others after it built a new snapshot: which rollout, at which version, and who says so
/// (an instance ignores its own announcements). Sent as the NOTIFY payload <c>rolloutId:version:instance</c>.
/// </summary>
public sealed record RolloutChange(long RolloutId, long Version, string Instance)
{
    public const string Channel = "shiproom_rollouts";

    public string ToPayload() => string.Create(CultureInfo.InvariantCulture, $"{RolloutId}:{Version}:{Instance}");

    public static RolloutChange? Parse(string payload)
    {
        var parts = payload.Split(':', 3);
        return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) &&
               long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && parts[2].Length is > 0 and <= 64
            ? new RolloutChange(id, version, parts[2])
            : null;
    }
}
