namespace ShipRoom.Core.Evaluation;

/// <summary>One gate's status at one minute, with the values it saw (for the worst series when it reads several).</summary>
public sealed record GateMinute(DateTimeOffset Minute, GateStatus Status, double? Canary, double? Control, string? Journey, string? Problem);

/// <summary>
/// A gate as of the last complete minute: <see cref="Status"/> now and <see cref="Since"/> when, the values seen (of the
/// worst series: <see cref="Journey"/> names it, null for the overall series), the limit, and whether it passed (GREEN
/// or YELLOW) on every minute of the observation window, which advancing needs. <see cref="Reason"/> says all of it in
/// words, built from these fields.
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
    bool PassedThroughoutWindow,
    int WindowMinutes,
    int MinutesGreen,
    int MinutesYellow,
    int MinutesRed,
    int MinutesNoData,
    string? Problem,
    IReadOnlyList<GateMinute> History)
{
    public string StatusText => Status.ToText();

    public string MetricName { get; init; } = MetricKey;

    public string Unit { get; init; } = "";

    /// <summary>The minute <see cref="Status"/> describes; before the phase's first complete minute, the last minute before it.</summary>
    public DateTimeOffset? LatestMinute { get; init; }

    /// <summary>Whether the control is part of the condition (a relative gate) rather than shown beside it.</summary>
    public bool ComparesWithControl { get; init; }

    public int MinutesPassed => MinutesGreen + MinutesYellow;

    public string Reason { get; init; } = "";
}
