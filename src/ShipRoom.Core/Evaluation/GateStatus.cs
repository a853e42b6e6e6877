namespace ShipRoom.Core.Evaluation;

/// <summary>What a gate says about a minute. Ordered by severity: a worse status outranks a better one.</summary>
public enum GateStatus
{
    Green = 0,
    Yellow = 1,
    NoData = 2,
    Red = 3,
}

public static class GateStatusText
{
    /// <summary>The words the UI and reports show: status is never colour alone.</summary>
    public static string ToText(this GateStatus status) => status switch
    {
        GateStatus.Green => "GREEN",
        GateStatus.Yellow => "YELLOW",
        GateStatus.Red => "RED",
        _ => "NO DATA",
    };

    /// <summary>One notion of passing: GREEN, and YELLOW (met, inside the warning margin), pass every decision; RED and NO DATA never do.</summary>
    public static bool Passes(this GateStatus status) => status is GateStatus.Green or GateStatus.Yellow;

    public static GateStatus Worst(GateStatus a, GateStatus b) => (GateStatus)Math.Max((int)a, (int)b);
}
