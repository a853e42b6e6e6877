namespace ShipRoom.Core.Evaluation;

/// <summary>One gate's status at one minute, with the values it saw (for the worst journey when it reads several).</summary>
public sealed record GateMinute(DateTimeOffset Minute, GateStatus Status, double? Canary, double? Control, string? Journey, string? Problem);

/// <summary>
/// A gate as of the last complete minute: <see cref="Status"/> now and <see cref="Since"/> when, the values seen, the
/// limit, and whether it was GREEN over the whole observation window (what advancing needs).
/// </summary>
public sealed record GateVerdict(
    string Key,
    string Name,
    string MetricKey,
    string? Journey,
    GateStatus Status,
    DateTimeOffset? Since,
    double? Canary,
    double? Control,
    string Limit,
    bool GreenThroughoutWindow,
    int WindowMinutes,
    int MinutesGreen,
    int MinutesYellow,
    int MinutesRed,
    int MinutesNoData,
    string? Problem,
    IReadOnlyList<GateMinute> History)
{
    public string StatusText => Status.ToText();
}
