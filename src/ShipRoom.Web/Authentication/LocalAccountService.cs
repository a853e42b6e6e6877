using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Configuration;
using ShipRoom.Web.Telemetry;

namespace ShipRoom.Web.Authentication;

/// <summary>Checks local passwords, counts failures and locks the account after too many in a row.</summary>
public sealed class LocalAccountService(
    IUserRepository users,
    IAuditLog audit,
    IPasswordHasher<UserRecord> hasher,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ShipRoomMetrics metrics)
{
    public async Task<LocalSignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var user = await users.FindByUserNameAsync(userName.Trim(), cancellationToken);
        if (user is null || user.Disabled)
        {
            // Hash anyway so a missing account costs the same time as a wrong password.
            hasher.HashPassword(new UserRecord(0, "", "", "", [], 0, null, false, now, null), password);
            // A real account's name is recorded as it is; typed text that names no account only as a fingerprint.
            return user is null
                ? await FailAsync(SignInNameFingerprint.Actor(userName), "unknown account", cancellationToken)
                : await FailAsync(user.UserName, "account disabled", cancellationToken);
        }

        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            metrics.SignIns.Add(1, new KeyValuePair<string, object?>("outcome", "locked_out"));
            await audit.AppendAsync(new AuditEntryDraft(now, user.UserName, "sign-in.locked-out", null, "Sign-in refused: account locked"), cancellationToken);
            return new LocalSignInResult(SignInOutcome.LockedOut, null);
        }

        var verification = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            var failures = user.FailedSignIns + 1;
            var lockNow = failures >= options.Value.MaxFailedSignIns;
            await users.RecordSignInFailureAsync(user.Id, lockNow ? 0 : failures, lockNow ? now.AddMinutes(options.Value.LockoutMinutes) : null, cancellationToken);
            if (lockNow)
            {
                metrics.SignIns.Add(1, new KeyValuePair<string, object?>("outcome", "locked_out"));
                await audit.AppendAsync(new AuditEntryDraft(now, user.UserName, "sign-in.locked", null, $"Account locked for {options.Value.LockoutMinutes} minutes after {failures} failed sign-ins"), cancellationToken);
                return new LocalSignInResult(SignInOutcome.LockedOut, null);
            }

            return await FailAsync(user.UserName, "wrong password", cancellationToken);
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.SetPasswordHashAsync(user.Id, hasher.HashPassword(user, password), cancellationToken);
        }

        await users.RecordSignInSuccessAsync(user.Id, now, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(now, user.UserName, "sign-in", null, "Signed in"), cancellationToken);
        metrics.SignIns.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
        return new LocalSignInResult(SignInOutcome.Succeeded, user);
    }

    private async Task<LocalSignInResult> FailAsync(string actor, string why, CancellationToken cancellationToken)
    {
        metrics.SignIns.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor, "sign-in.failed", null, $"Sign-in failed: {why}"), cancellationToken);
        return LocalSignInResult.Failed;
    }
}
