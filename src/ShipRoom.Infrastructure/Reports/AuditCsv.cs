using ShipRoom.Core.Reports;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>Audit entries as CSV, oldest first, with both hashes so the chain can be checked from the file alone.</summary>
public static class AuditCsv
{
    public static string Write(IEnumerable<AuditEntry> entries) => CsvText.Table(
        ["sequence", "at", "actor", "kind", "rollout", "summary", "before", "after", "reason", "previous_hash", "hash"],
        entries.OrderBy(e => e.Sequence),
        e => [e.Sequence, e.At, e.Actor, e.Kind, e.RolloutId, e.Summary, e.Before, e.After, e.Reason, e.PreviousHash, e.Hash]);
}
