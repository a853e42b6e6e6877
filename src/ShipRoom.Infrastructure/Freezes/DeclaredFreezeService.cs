using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Freezes;

/// <summary>What a person asks for: why, from when (null: now) and until when.</summary>
public sealed record FreezeDeclaration(string? Reason, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

/// <summary>What became of a declare or lift (the HTTP API maps these to 201/200, 400, 403, 404 and 409).</summary>
public enum FreezeCommandStatus
{
    Executed,
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
}

/// <summary>
/// What became of a declare or lift. <see cref="Field"/> names the request field that was wrong (for a 400);
/// <see cref="Freeze"/> is the freeze as stored afterwards.
/// </summary>
public sealed record FreezeCommandResult(FreezeCommandStatus Status, string Message, string? Field = null, FreezeRecord? Freeze = null);

/// <summary>
/// Freezes a person declares (a launch weekend, an audit, the holidays) and lifts early: checked on the server against
/// the permission matrix whoever calls (the page or the API), stored, and audited (<c>freeze.declared</c>,
/// <c>freeze.lifted</c>). Inside one, starting a rollout is refused by <see cref="FreezeService.RefuseStartAsync"/>
/// unless the executive approver overrides with a reason, as for the automatic kinds. The automatic kinds are
/// ShipRoom's to end, from the rollout's state: they are not lifted here.
/// </summary>
public sealed class DeclaredFreezeService(IFreezeRepository freezes, IAuditLog audit, TimeProvider time)
{
    /// <summary>The reason shows in every page's banner and every refused start: a sentence or two, not an essay.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>As for a command's reason.</summary>
    public const int MaxLiftReasonLength = 1000;

    /// <summary>How far ahead a declared freeze may end: two weeks, as the longest change freeze a plan may set. Longer is a policy, not a freeze.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(14);

    /// <summary>A start this much in the past is taken as now (a form filled in a minute ago); earlier is refused.</summary>
    private static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(5);

    public async Task<FreezeCommandResult> DeclareAsync(FreezeDeclaration declaration, string actorName, IReadOnlyList<string> actorRoles, CancellationToken cancellationToken)
    {
        if (Forbidden(actorRoles) is { } forbidden)
        {
            return forbidden;
        }

        var now = time.GetUtcNow();
        var reason = OneLineText.Of(declaration.Reason);
        if (reason.Length == 0)
        {
            return Invalid("reason", "reason is required: say why deploys stop (it shows on every page and in every refused start)");
        }

        if (reason.Length > MaxReasonLength)
        {
            return Invalid("reason", $"reason is longer than {MaxReasonLength} characters");
        }

        var startsAt = declaration.StartsAt ?? now;
        if (startsAt < now - PastTolerance)
        {
            return Invalid("startsAt", $"startsAt {startsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC is in the past; leave it out to start now");
        }

        if (startsAt < now)
        {
            startsAt = now;
        }

        if (declaration.EndsAt is not { } endsAt)
        {
            return Invalid("endsAt", "endsAt is required: a declared freeze has an end (lift it early if it is over sooner)");
        }

        if (endsAt <= startsAt)
        {
            return Invalid("endsAt", $"endsAt {endsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC is not after startsAt {startsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        }

        if (endsAt > now + MaxAhead)
        {
            return Invalid("endsAt", $"endsAt is more than {MaxAhead.TotalDays:0} days ahead (latest {(now + MaxAhead).UtcDateTime:yyyy-MM-dd HH:mm} UTC); declare a new freeze when this one ends");
        }

        var freeze = await freezes.DeclareAsync(actorName, reason, startsAt, endsAt, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(now, actorName, "freeze.declared", null,
            $"Deploy freeze {freeze.Id} declared {startsAt.UtcDateTime:yyyy-MM-dd HH:mm} – {endsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, owner {actorName}",
            After: $"{startsAt.UtcDateTime:O} – {endsAt.UtcDateTime:O}", Reason: reason), cancellationToken);
        return new FreezeCommandResult(FreezeCommandStatus.Executed, $"Deploy freeze {freeze.Id} declared until {endsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC", Freeze: freeze);
    }

    public async Task<FreezeCommandResult> LiftAsync(long id, string? liftReason, string actorName, IReadOnlyList<string> actorRoles, CancellationToken cancellationToken)
    {
        if (Forbidden(actorRoles) is { } forbidden)
        {
            return forbidden;
        }

        var reason = OneLineText.Of(liftReason);
        if (reason.Length == 0)
        {
            return Invalid("reason", "reason is required: say why the freeze ends early");
        }

        if (reason.Length > MaxLiftReasonLength)
        {
            return Invalid("reason", $"reason is longer than {MaxLiftReasonLength} characters");
        }

        var freeze = await freezes.GetAsync(id, cancellationToken);
        if (freeze is null)
        {
            return new FreezeCommandResult(FreezeCommandStatus.NotFound, $"freeze {id} does not exist");
        }

        if (freeze.Kind != FreezeKinds.Declared)
        {
            return new FreezeCommandResult(FreezeCommandStatus.Conflict,
                $"freeze {id} is the {FreezeKinds.Display(freeze.Kind).ToLowerInvariant()} of rollout {freeze.RolloutId}: ShipRoom keeps it from the rollout's state " +
                (freeze.Kind == FreezeKinds.InfraLock ? "(it ends when the rollout completes or rolls back)" : "(it ends when the plan's settings.changeFreeze runs out)") +
                " and it is not lifted by hand; the executive approver can override it for one start, giving a reason", Freeze: freeze);
        }

        var now = time.GetUtcNow();
        if (!await freezes.LiftAsync(id, actorName, reason, now, cancellationToken))
        {
            var current = await freezes.GetAsync(id, cancellationToken);
            return new FreezeCommandResult(FreezeCommandStatus.Conflict,
                current?.LiftedBy is { } by ? $"freeze {id} was already lifted by {by} at {current.LiftedAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : $"freeze {id} is already over", Freeze: current);
        }

        var lifted = (await freezes.GetAsync(id, cancellationToken))!;
        await audit.AppendAsync(new AuditEntryDraft(now, actorName, "freeze.lifted", null,
            $"Deploy freeze {id} (owner {freeze.Owner}) lifted early; it was to end {freeze.EndsAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
            Before: $"{freeze.StartsAt.UtcDateTime:O} – {freeze.EndsAt!.Value.UtcDateTime:O}", After: $"{lifted.StartsAt.UtcDateTime:O} – {lifted.EndsAt!.Value.UtcDateTime:O}", Reason: reason), cancellationToken);
        return new FreezeCommandResult(FreezeCommandStatus.Executed, $"Deploy freeze {id} lifted", Freeze: lifted);
    }

    /// <summary>Whoever calls (the page, the API): the roles are asked here. ShipRoom's automatic actor holds no role, so it never declares.</summary>
    private static FreezeCommandResult? Forbidden(IReadOnlyList<string> actorRoles) =>
        PermissionMatrix.IsAllowed(actorRoles, RolloutAction.DeclareFreeze)
            ? null
            : new FreezeCommandResult(FreezeCommandStatus.Forbidden,
                $"declaring or lifting a freeze needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.DeclareFreeze).Order(StringComparer.Ordinal))}");

    private static FreezeCommandResult Invalid(string field, string message) => new(FreezeCommandStatus.Invalid, message, field);
}
