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
    /// <summary>The audit archive: it holds the roster's contacts and every audit entry of the rollout.</summary>
    DownloadArchive,

    /// <summary>Rewording the #ship-room post templates.</summary>
    EditPostTemplates,
    ManageUsers,

    /// <summary>Raising an external signal against a rollout (P0/P1 opened, PII risk): the plan says which hold or roll back.</summary>
    RaiseSignal,
    ManageApiTokens,

    /// <summary>Sign-in activity in the audit trail: who signed in, failed or was locked out, and when.</summary>
    ReadSignInAudit,

    /// <summary>Declaring a deploy freeze by hand (no rollout starts inside it without the executive) and lifting one early.</summary>
    DeclareFreeze,
}
