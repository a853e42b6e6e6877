using ShipRoom.Core.Evaluation;

namespace ShipRoom.Web.Model;

/// <summary>
/// How a gate status looks in a chip: its words and its classes (colour and icon in wwwroot/css/app.css). Used by
/// StatusChip and by the tables that set a chip as a live cell (LiveCells) when a status changes.
/// </summary>
public static class StatusLook
{
    public static string Text(GateStatus? status) => status?.ToText() ?? "NO DATA";

    public static string ChipClass(GateStatus? status, bool large = false) => "status-chip status-" + (status switch
    {
        GateStatus.Green => "green",
        GateStatus.Yellow => "yellow",
        GateStatus.Red => "red",
        _ => "nodata",
    }) + (large ? " status-large" : "");
}
