using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>GET /api/freezes</c>: "may I deploy now?" for CI and deploy tools (as shipit's locks), with an API token like
/// every /api endpoint. <c>mayDeploy</c> is false while any lock or freeze is open; <c>mayDeployCritical</c> is false
/// only while an infra lock or a declared freeze is (a change freeze lets critical fixes through). Each open window
/// says who owns it, why, since when and until when.
/// <c>POST /api/freezes</c> declares a freeze and <c>POST /api/freezes/{id}/lift</c> lifts a declared one early
/// (ReleaseEngineer, ExecutiveApprover, Admin; audited). Both refresh this instance's banner board at once.
/// </summary>
public static class FreezeEndpoints
{
    /// <summary>A reason and two times: 16 KB is plenty.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public sealed record DeclareFreezeRequest(string? Reason, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

    public sealed record LiftFreezeRequest(string? Reason);

    public static IEndpointRouteBuilder MapFreezeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/freezes").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        group.MapGet("", async (FreezeService freezes, FreezeBoard board, CancellationToken ct) =>
        {
            var state = await freezes.SyncAsync(ct);
            board.Accept(state);
            var open = state.ActiveAt(state.At);
            return Results.Ok(new
            {
                checkedAt = state.At,
                mayDeploy = open.Count == 0,
                mayDeployCritical = !open.Any(w => w.Kind is FreezeKinds.InfraLock or FreezeKinds.Declared),
                active = open.Select(w => Window(w, state.At)),
            });
        });
        group.MapPost("", DeclareAsync);
        group.MapPost("/{id:long}/lift", LiftAsync);
        return endpoints;
    }

    private static async Task<IResult> DeclareAsync(HttpContext context, DeclaredFreezeService declared, FreezeService freezes, FreezeBoard board, TimeProvider time, CancellationToken ct)
    {
        var actor = CurrentActor.From(context.User);
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.DeclareFreeze))
        {
            // Checked before the body is read; the service checks again (it is the one path, the page calls it too).
            return Forbidden();
        }

        var (request, refusal) = await JsonBody.ReadAsync<DeclareFreezeRequest>(context, MaxBodyBytes, ct);
        if (request is null)
        {
            return refusal!;
        }

        var result = await declared.DeclareAsync(new FreezeDeclaration(request.Reason, request.StartsAt, request.EndsAt), actor.Name, actor.Roles, ct);
        return await AnswerAsync(result, StatusCodes.Status201Created, freezes, board, time, ct);
    }

    private static async Task<IResult> LiftAsync(long id, HttpContext context, DeclaredFreezeService declared, FreezeService freezes, FreezeBoard board, TimeProvider time, CancellationToken ct)
    {
        var actor = CurrentActor.From(context.User);
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.DeclareFreeze))
        {
            return Forbidden();
        }

        var (request, refusal) = await JsonBody.ReadAsync<LiftFreezeRequest>(context, MaxBodyBytes, ct);
        if (request is null)
        {
            return refusal!;
        }

        var result = await declared.LiftAsync(id, request.Reason, actor.Name, actor.Roles, ct);
        return await AnswerAsync(result, StatusCodes.Status200OK, freezes, board, time, ct);
    }

    private static async Task<IResult> AnswerAsync(FreezeCommandResult result, int executedStatus, FreezeService freezes, FreezeBoard board, TimeProvider time, CancellationToken ct)
    {
        if (result.Status == FreezeCommandStatus.Executed)
        {
            // The banner on every page of this instance shows it now, read once for all viewers.
            board.Accept(await freezes.SyncAsync(ct));
        }

        var status = result.Status switch
        {
            FreezeCommandStatus.Executed => executedStatus,
            FreezeCommandStatus.Forbidden => StatusCodes.Status403Forbidden,
            FreezeCommandStatus.NotFound => StatusCodes.Status404NotFound,
            FreezeCommandStatus.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        return Results.Json(new
        {
            status = result.Status.ToString(),
            result.Message,
            error = result.Status == FreezeCommandStatus.Executed ? null : result.Message,
            field = result.Field,
            freeze = result.Freeze is { } freeze ? Window(freeze, time.GetUtcNow()) : null,
        }, statusCode: status);
    }

    private static object Window(FreezeRecord w, DateTimeOffset at) => new
    {
        w.Id,
        kind = w.Kind,
        w.RolloutId,
        w.Owner,
        w.Reason,
        startsAt = w.StartsAt,
        endsAt = w.EndsAt,
        endsInSeconds = w.EndsAt is { } end ? (long?)Math.Max(0, (long)(end - at).TotalSeconds) : null,
        endsWhen = w.EndsAt is null ? "when the rollout completes or rolls back" : null,
        liftedBy = w.LiftedBy,
        liftedAt = w.LiftedAt,
        liftReason = w.LiftReason,
    };

    private static IResult Forbidden() =>
        Results.Json(new { status = nameof(FreezeCommandStatus.Forbidden), error = $"declaring or lifting a freeze needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.DeclareFreeze).Order(StringComparer.Ordinal))}" },
            statusCode: StatusCodes.Status403Forbidden);
}
