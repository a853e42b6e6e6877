using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Model;

/// <summary>
/// The rollout's state in words. A rollback made while the database was away says what the deploy system answered and
/// that it is not saved yet, so nobody reads "Rolled back" as stored or "Running" as nothing done.
/// </summary>
public static class StatusText
{
    public const string Unsaved = "recorded offline, saved when storage returns";

    public static string Of(RolloutSnapshot snapshot) => Of(snapshot.Status, snapshot.Unsaved);

    public static string Of(RolloutStatus status, UnsavedRollback? unsaved) => unsaved switch
    {
        null => status.ToText(),
        { Acknowledged: false } => $"Rolling back — the deploy system failed ({unsaved.Error}); carry it out by runbook; {Unsaved}",
        { RecordedOnly: true } => $"Rollback recorded — carry it out by runbook; {Unsaved}",
        _ => $"{status.ToText()} — {Unsaved}",
    };
}
