namespace ShipRoom.Core.Security;

/// <summary>Everything a person or a token can ask ShipRoom to do. Reading is <see cref="View"/>.</summary>
public enum RolloutAction
{
    View,
    Hold,
    RollBack,
    Resume,
    Advance,
    Approve,
    StartWithOpenPreflight,
    PollNow,
    TickChecklist,
    PostSummary,
    EditRoster,
    CreateRollout,
    ExportReports,
    ManageUsers,
    ManageApiTokens,
}
