using Microsoft.AspNetCore.Identity;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Web.Authentication;

/// <summary>Local accounts for administrators: add, set roles, reset passwords, disable. Checked and audited here, whoever calls.</summary>
public sealed class UserAdminService(IUserRepository users, IAuditLog audit, IPasswordHasher<UserRecord> hasher, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;

    public async Task<CommandResult> CreateAsync(CommandActor actor, string userName, string displayName, string password, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        if (Refuse(actor, roles, password) is { } refusal)
        {
            return refusal;
        }

        userName = userName.Trim();
        if (userName.Length is < 2 or > 64 || userName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return new CommandResult(CommandStatus.Invalid, "a user name is 2 to 64 characters without spaces");
        }

        var now = time.GetUtcNow();
        var placeholder = new UserRecord(0, userName, displayName, "", roles, 0, null, false, now, null);
        try
        {
            await users.CreateAsync(userName, string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim(), hasher.HashPassword(placeholder, password), roles, now, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return new CommandResult(CommandStatus.Conflict, $"a user named '{userName}' already exists");
        }

        await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, "user.created", null, $"Created user '{userName}'", After: $"roles={string.Join(',', roles)}"), cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"user {userName} created");
    }

    public async Task<CommandResult> SetRolesAsync(CommandActor actor, long userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var (user, refusal) = await ExistingUserAsync(actor, roles, null, userId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!roles.Contains(Roles.Admin) && await IsLastActiveAdminAsync(user, cancellationToken))
        {
            return new CommandResult(CommandStatus.Invalid, $"{user.UserName} is the last active administrator: give another person the Admin role first, or nobody could manage accounts");
        }

        await users.SetRolesAsync(userId, roles, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "user.roles", null, $"Roles of '{user.UserName}' changed", string.Join(',', user.Roles), string.Join(',', roles)), cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"roles of {user.UserName} set");
    }

    public async Task<CommandResult> ResetPasswordAsync(CommandActor actor, long userId, string password, CancellationToken cancellationToken)
    {
        var (user, refusal) = await ExistingUserAsync(actor, [Roles.Viewer], password, userId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        await users.SetPasswordHashAsync(userId, hasher.HashPassword(user, password), cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "user.password-reset", null, $"Password of '{user.UserName}' reset (and unlocked)"), cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"password of {user.UserName} reset");
    }

    public async Task<CommandResult> SetDisabledAsync(CommandActor actor, long userId, bool disabled, CancellationToken cancellationToken)
    {
        var (user, refusal) = await ExistingUserAsync(actor, [Roles.Viewer], null, userId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (disabled && await IsLastActiveAdminAsync(user, cancellationToken))
        {
            return new CommandResult(CommandStatus.Invalid, $"{user.UserName} is the last active administrator: enable or add another administrator first, or nobody could manage accounts");
        }

        await users.SetDisabledAsync(userId, disabled, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, disabled ? "user.disabled" : "user.enabled", null, $"User '{user.UserName}' {(disabled ? "disabled" : "enabled")}"), cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"{user.UserName} {(disabled ? "disabled" : "enabled")}");
    }

    /// <summary>The user a change is about, or why nothing may be changed (not allowed, invalid, no such user).</summary>
    private async Task<(UserRecord User, CommandResult? Refusal)> ExistingUserAsync(CommandActor actor, IReadOnlyList<string> roles, string? password, long userId, CancellationToken cancellationToken)
    {
        if (Refuse(actor, roles, password) is { } refusal)
        {
            return (null!, refusal);
        }

        return await users.FindByIdAsync(userId, cancellationToken) is { } user ? (user, null) : (null!, new CommandResult(CommandStatus.NotFound, "no such user"));
    }

    /// <summary>
    /// Disabling or demoting this account would leave no enabled administrator: nobody could sign in to undo it (the way
    /// back is then only `shiproom admin` on the server's shell).
    /// </summary>
    private async Task<bool> IsLastActiveAdminAsync(UserRecord user, CancellationToken cancellationToken)
    {
        if (user.Disabled || !user.Roles.Contains(Roles.Admin))
        {
            return false;
        }

        var all = await users.ListAsync(cancellationToken);
        return !all.Any(u => u.Id != user.Id && !u.Disabled && u.Roles.Contains(Roles.Admin));
    }

    private static CommandResult? Refuse(CommandActor actor, IReadOnlyList<string> roles, string? password)
    {
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.ManageUsers))
        {
            return new CommandResult(CommandStatus.Forbidden, "managing users needs the Admin role");
        }

        if (roles.Count == 0 || roles.Any(r => !Roles.IsKnown(r)))
        {
            return new CommandResult(CommandStatus.Invalid, $"choose one or more roles of: {string.Join(", ", Roles.All)}");
        }

        return password is not null && password.Length < MinimumPasswordLength
            ? new CommandResult(CommandStatus.Invalid, $"a password has at least {MinimumPasswordLength} characters")
            : null;
    }
}
