namespace ShipRoom.Infrastructure.Storage;

/// <summary>A local account. <see cref="PasswordHash"/> is ASP.NET Core Identity's hash format, never a password.</summary>
public sealed record UserRecord(
    long Id,
    string UserName,
    string DisplayName,
    string PasswordHash,
    IReadOnlyList<string> Roles,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);
