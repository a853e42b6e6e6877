using System.Globalization;
using ShipRoom.Core.Reports;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>Audit entries as CSV, oldest first, with both hashes so the chain can be checked from the file alone.</summary>
public static class AuditCsv
{
    public static string Write(IEnumerable<AuditEntry> entries) => CsvText.Table(
        ["sequence", "at", "actor", "kind", "rollout", "summary", "before", "after", "reason", "previous_hash", "hash"],
        entries.OrderBy(e => e.Sequence),
        e => [e.Sequence.ToString(CultureInfo.InvariantCulture), CsvText.Time(e.At), CsvText.Field(e.Actor), CsvText.Field(e.Kind), e.RolloutId?.ToString(CultureInfo.InvariantCulture) ?? "",
            CsvText.Field(e.Summary), CsvText.Field(e.Before), CsvText.Field(e.After), CsvText.Field(e.Reason), e.PreviousHash, e.Hash]);
}
