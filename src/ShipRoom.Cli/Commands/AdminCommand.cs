using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// `shiproom admin reset-password --user NAME` and `shiproom admin create --user NAME`: the way back in from the
/// server's shell when nobody can sign in as an administrator (password lost, account locked or disabled). Whoever can
/// run this already holds the database's connection string. The new password is read from standard input with
/// `--password-stdin`, else generated and printed once; never taken as an argument, where `ps` and shell history see it.
/// Every change is written to the audit log.
/// </summary>
internal static class AdminCommand
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static Command Create()
    {
        var admin = new Command("admin", "recover administrator access from the server's shell");
        admin.Subcommands.Add(Sub("reset-password", "set a new password for an account, unlock and re-enable it", create: false));
        admin.Subcommands.Add(Sub("create", "create an administrator account (role Admin)", create: true));
        return admin;
    }

    private static Command Sub(string name, string description, bool create)
    {
        var storage = new CliStorage();
        var user = new Option<string>("--user") { Description = "the user name", Required = true, HelpName = "NAME" };
        var fromStdin = new Option<bool>("--password-stdin") { Description = $"read the new password (at least {MinimumPasswordLength} characters) from standard input" };
        var command = new Command(name, description) { user, fromStdin };
        storage.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var words = $"admin {name}";
            if (await storage.ReadAsync(result, words, error) is not { } options)
            {
                return CommandLine.UsageError;
            }

            var generated = !result.GetValue(fromStdin);
            var password = generated ? RandomNumberGenerator.GetString(Alphabet, 20) : (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n') ?? "";
            if (password.Length < MinimumPasswordLength)
            {
                await error.WriteLineAsync($"shiproom {words}: a password has at least {MinimumPasswordLength} characters");
                return CommandLine.UsageError;
            }

            var connections = StorageServiceCollectionExtensions.CreateConnectionFactory(options);
            try
            {
                var users = new UserRepository(connections);
                var audit = new AuditLog(connections);
                var userName = result.GetValue(user)!.Trim();
                var outcome = create
                    ? await CreateAsync(users, audit, userName, password, cancellationToken)
                    : await ResetAsync(users, audit, userName, password, cancellationToken);
                if (outcome is not null)
                {
                    await error.WriteLineAsync($"shiproom {words}: {outcome}");
                    return 1;
                }

                await output.WriteLineAsync(create ? $"shiproom {words}: administrator '{userName}' created." : $"shiproom {words}: password of '{userName}' set; the account is unlocked and enabled.");
                if (generated)
                {
                    await output.WriteLineAsync($"New password (shown once): {password}");
                }

                return 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await error.WriteLineAsync($"shiproom {words}: {exception.Message}");
                return 1;
            }
            finally
            {
                if (connections is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>Same rule as the web app's account administration.</summary>
    private const int MinimumPasswordLength = 12;

    private static string Actor => $"shiproom CLI ({Environment.UserName})";

    private static async Task<string?> ResetAsync(UserRepository users, AuditLog audit, string userName, string password, CancellationToken cancellationToken)
    {
        if (await users.FindByUserNameAsync(userName, cancellationToken) is not { } found)
        {
            return $"there is no account '{userName}' (`shiproom admin create --user {userName}` creates an administrator)";
        }

        await users.SetPasswordHashAsync(found.Id, new PasswordHasher<UserRecord>().HashPassword(found, password), cancellationToken);
        await users.SetDisabledAsync(found.Id, false, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(DateTimeOffset.UtcNow, Actor, "user.password-reset", null, $"Password of '{found.UserName}' reset from the server's shell (unlocked and enabled)"), cancellationToken);
        return null;
    }

    private static async Task<string?> CreateAsync(UserRepository users, AuditLog audit, string userName, string password, CancellationToken cancellationToken)
    {
        if (userName.Length is < 2 or > 64 || userName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "a user name is 2 to 64 characters without spaces";
        }

        var now = DateTimeOffset.UtcNow;
        var placeholder = new UserRecord(0, userName, userName, "", [Roles.Admin], 0, null, false, now, null);
        try
        {
            await users.CreateAsync(userName, userName, new PasswordHasher<UserRecord>().HashPassword(placeholder, password), [Roles.Admin], now, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return $"an account '{userName}' already exists (`shiproom admin reset-password --user {userName}` sets its password)";
        }

        await audit.AppendAsync(new AuditEntryDraft(now, Actor, "user.created", null, $"Administrator '{userName}' created from the server's shell", After: "roles=Admin"), cancellationToken);
        return null;
    }
}
