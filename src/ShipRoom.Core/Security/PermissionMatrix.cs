using System.Collections.Frozen;

namespace ShipRoom.Core.Security;

/// <summary>
/// Which role may do what: the one place the server asks before any command runs, whoever the caller is
/// (a component, the HTTP API, the hub). docs/security.md shows the same table.
/// </summary>
public static class PermissionMatrix
{
    private static readonly string[] Everyone = [.. Roles.All];

    private static readonly FrozenDictionary<RolloutAction, FrozenSet<string>> AllowedRoles = new Dictionary<RolloutAction, FrozenSet<string>>
    {
        [RolloutAction.View] = Set(Everyone),
        [RolloutAction.ExportReports] = Set(Everyone),
        // The directives give the IC full pre-approval to pause or roll back; release engineering runs the rollout
        // and the executive is the tie-break. Nobody else stops production.
        [RolloutAction.Hold] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover),
        [RolloutAction.RollBack] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover),
        [RolloutAction.Resume] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover),
        [RolloutAction.Advance] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover),
        // The override the directives reserve for the executive: signing off a step the gates did not auto-approve.
        [RolloutAction.Approve] = Set(Roles.ExecutiveApprover),
        [RolloutAction.StartWithOpenPreflight] = Set(Roles.ExecutiveApprover),
        [RolloutAction.PollNow] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.Admin),
        [RolloutAction.TickChecklist] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover, Roles.ProductManager, Roles.SecurityLead, Roles.DataLead, Roles.Admin),
        [RolloutAction.PostSummary] = Set(Roles.ProductManager, Roles.Admin),
        [RolloutAction.EditRoster] = Set(Roles.ReleaseEngineer, Roles.Admin),
        [RolloutAction.CreateRollout] = Set(Roles.ReleaseEngineer, Roles.Admin),
        [RolloutAction.DownloadArchive] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover, Roles.SecurityLead, Roles.Admin),
        [RolloutAction.EditPostTemplates] = Set(Roles.ReleaseEngineer, Roles.Admin),
        [RolloutAction.ManageUsers] = Set(Roles.Admin),
        // Whoever may stop production, and the leads who see an incident or a privacy risk first (an incident tool's
        // token holds one of these roles). A signal only stops the rollout where the plan's signals: say so.
        [RolloutAction.RaiseSignal] = Set(Roles.IncidentCommander, Roles.ReleaseEngineer, Roles.ExecutiveApprover, Roles.SecurityLead, Roles.DataLead, Roles.Admin),
        [RolloutAction.ManageApiTokens] = Set(Roles.Admin),
        // Failed sign-ins are what security watches for guessing; they are not the ship room's business, and a name
        // typed there may be someone's password typed in the wrong field (stored only as a fingerprint).
        [RolloutAction.ReadSignInAudit] = Set(Roles.SecurityLead, Roles.Admin),
        // Whoever runs deploys (release engineering), the one who may override a freeze (the executive), and Admins:
        // a freeze stops every team's deploys, so it is not everyone's to declare or to lift.
        [RolloutAction.DeclareFreeze] = Set(Roles.ReleaseEngineer, Roles.ExecutiveApprover, Roles.Admin),
    }.ToFrozenDictionary();

    public static bool IsAllowed(IEnumerable<string> roles, RolloutAction action) =>
        AllowedRoles.TryGetValue(action, out var allowed) && roles.Any(allowed.Contains);

    public static IReadOnlySet<string> RolesFor(RolloutAction action) => AllowedRoles[action];

    private static FrozenSet<string> Set(params string[] roles) => roles.ToFrozenSet(StringComparer.Ordinal);
}
