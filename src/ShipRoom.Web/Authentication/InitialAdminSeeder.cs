using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Authentication;

/// <summary>
/// Creates the first account when there are none yet. It holds <see cref="Roles.FirstAccount"/>: Admin, and the roles
/// that run a rollout (Hold, Roll back, Advance, Approve, summaries), so one person can try the demo end to end. For
/// production, separation of duties is an Admin page away: add the people, then take those roles off this account.
/// </summary>
public sealed class InitialAdminSeeder(
    IUserRepository users,
    IAuditLog audit,
    IPasswordHasher<UserRecord> hasher,
    IOptions<AuthOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<InitialAdminSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await users.CountAsync(cancellationToken) > 0)
        {
            return;
        }

        var password = configuration[ConfigurationKeys.InitialAdminPasswordEnvironment];
        if (string.IsNullOrEmpty(password))
        {
            password = options.Value.InitialAdminPassword;
        }

        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20);
        }

        var userName = options.Value.InitialAdminUserName;
        var now = time.GetUtcNow();
        var placeholder = new UserRecord(0, userName, "Administrator", "", Roles.FirstAccount, 0, null, false, now, null);
        try
        {
            await users.CreateAsync(userName, "Administrator", hasher.HashPassword(placeholder, password!), Roles.FirstAccount, now, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            // Another instance seeded it first.
            return;
        }

        await audit.AppendAsync(new AuditEntryDraft(now, "ShipRoom", "user.created", null, $"Initial administrator '{userName}' created", After: $"roles={string.Join(',', Roles.FirstAccount)}"), cancellationToken);
        if (generated)
        {
            // Printed once, to the console only (not through logging, whose sinks may be shipped elsewhere).
            Console.Out.WriteLine($"ShipRoom: generated password for the first administrator '{userName}': {password}");
            Console.Out.WriteLine($"ShipRoom: set {ConfigurationKeys.InitialAdminPasswordEnvironment} to choose it yourself; change it after signing in.");
            logger.LogWarning("No initial admin password was configured; a generated one was printed to the console once");
        }
        else
        {
            Infrastructure.Logging.ShipRoomLog.InitialAdminCreated(logger, userName);
        }
    }
}
