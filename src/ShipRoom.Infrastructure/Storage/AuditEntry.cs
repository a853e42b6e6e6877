namespace ShipRoom.Infrastructure.Storage;

/// <summary>What a caller asks to record. Actor is a user name, a token name, or "ShipRoom (automatic)".</summary>
public sealed record AuditEntryDraft(
    DateTimeOffset At,
    string Actor,
    string Kind,
    long? RolloutId,
    string Summary,
    string? Before = null,
    string? After = null,
    string? Reason = null);

/// <summary>
/// One row of the append-only audit log. <see cref="Hash"/> is SHA-256 over the previous entry's hash and this
/// entry's fields, so editing or removing any row breaks the chain from there on.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Kind,
    long? RolloutId,
    string Summary,
    string? Before,
    string? After,
    string? Reason,
    string PreviousHash,
    string Hash);

public sealed record AuditQuery(
    long? RolloutId = null,
    string? Actor = null,
    string? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 500,
    bool IncludeSignIns = true);

/// <summary>Kinds of audit entry that record sign-in activity ("sign-in", "sign-in.failed", "sign-in.locked", ...).</summary>
public static class AuditKinds
{
    public const string SignInPrefix = "sign-in";
}

/// <summary>The result of re-computing the chain: the first sequence whose hash does not match, if any.</summary>
public sealed record AuditChainVerification(bool IsIntact, long EntriesChecked, long? FirstBrokenSequence, string? Problem);
