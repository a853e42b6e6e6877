namespace ShipRoom.Infrastructure.Storage;

/// <summary>The append-only, hash-chained audit trail. The engine itself refuses UPDATE and DELETE on it.</summary>
public interface IAuditLog
{
    /// <summary>Appends one entry; concurrent appends (also from other instances) are serialised so the chain stays linear.</summary>
    Task<AuditEntry> AppendAsync(AuditEntryDraft draft, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<AuditChainVerification> VerifyChainAsync(CancellationToken cancellationToken);
}
