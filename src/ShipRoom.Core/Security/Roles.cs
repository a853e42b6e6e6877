namespace ShipRoom.Core.Security;

/// <summary>The roles a person or an API token can hold. Names are stable: they are stored and sent as claims.</summary>
public static class Roles
{
    public const string Viewer = "Viewer";
    public const string IncidentCommander = "IncidentCommander";
    public const string ReleaseEngineer = "ReleaseEngineer";
    public const string ExecutiveApprover = "ExecutiveApprover";
    public const string ProductManager = "ProductManager";
    public const string SecurityLead = "SecurityLead";
    public const string DataLead = "DataLead";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } =
    [
        Viewer, IncidentCommander, ReleaseEngineer, ExecutiveApprover, ProductManager, SecurityLead, DataLead, Admin,
    ];

    /// <summary>
    /// The roles of the first account ShipRoom creates: Admin plus everything the demo needs (Hold, Roll back, Resume,
    /// Advance, Approve, phase summaries), so a newcomer can run it end to end before adding anyone.
    /// </summary>
    public static IReadOnlyList<string> FirstAccount { get; } = [Admin, IncidentCommander, ReleaseEngineer, ExecutiveApprover, ProductManager];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>How people read a role: "Executive approver", "Incident Commander".</summary>
    public static string DisplayName(string role) => role switch
    {
        Viewer => "Viewer",
        IncidentCommander => "Incident Commander",
        ReleaseEngineer => "Release engineer",
        ExecutiveApprover => "Executive approver",
        ProductManager => "Product manager",
        SecurityLead => "Security lead",
        DataLead => "Data lead",
        Admin => "Admin",
        _ => role,
    };
}
