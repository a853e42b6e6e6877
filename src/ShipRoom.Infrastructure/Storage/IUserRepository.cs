namespace ShipRoom.Infrastructure.Storage;

public interface IUserRepository
{
    Task<UserRecord?> FindByUserNameAsync(string userName, CancellationToken cancellationToken);

    Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken);

    Task<int> CountAsync(CancellationToken cancellationToken);

    /// <summary>Creates the account; throws <see cref="DuplicateKeyException"/> when the user name is taken.</summary>
    Task<long> CreateAsync(string userName, string displayName, string passwordHash, IReadOnlyList<string> roles, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task SetPasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken);

    Task SetRolesAsync(long id, IReadOnlyList<string> roles, CancellationToken cancellationToken);

    Task SetDisabledAsync(long id, bool disabled, CancellationToken cancellationToken);

    Task RecordSignInFailureAsync(long id, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken cancellationToken);

    Task RecordSignInSuccessAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);
}
