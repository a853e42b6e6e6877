using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Signals;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>POST /api/rollouts/{id}/signals</c>: an incident tool or a person raises "P0 opened", "PII risk" … against a
/// rollout (docs/plans.md, External signals). ShipRoom's own body or a PagerDuty V3 webhook body.
/// </summary>
public static class SignalEndpoints
{
    /// <summary>A PagerDuty webhook carries the whole incident; 64 KB is plenty for it.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapSignalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/rollouts").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy)
            .MapPost("/{id:long}/signals", RaiseAsync);
        return endpoints;
    }

    private static async Task<IResult> RaiseAsync(long id, HttpContext context, SignalService signals, CancellationToken cancellationToken)
    {
        var actor = CurrentActor.From(context.User);
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.RaiseSignal))
        {
            // Checked before the body is read, as for creating a rollout.
            return Results.Json(new { status = nameof(CommandStatus.Forbidden), message = $"raising a signal needs one of the roles {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.RaiseSignal).Order(StringComparer.Ordinal))}" },
                statusCode: StatusCodes.Status403Forbidden);
        }

        var (body, refusal) = await JsonBody.ReadAsync<JsonDocument>(context, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return refusal!;
        }

        using (body)
        {
            var (request, problem, ignored) = SignalPayload.Read(body.RootElement);
            if (ignored is not null)
            {
                return Results.Ok(new { status = "Ignored", message = ignored });
            }

            if (request is null)
            {
                return Results.UnprocessableEntity(new { status = nameof(CommandStatus.Invalid), message = problem });
            }

            var result = await signals.RaiseAsync(id, request, actor, cancellationToken);
            var status = result.Status switch
            {
                CommandStatus.Executed => StatusCodes.Status201Created,
                CommandStatus.Duplicate => StatusCodes.Status200OK,
                CommandStatus.Forbidden => StatusCodes.Status403Forbidden,
                CommandStatus.NotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status422UnprocessableEntity,
            };
            return Results.Json(new
            {
                status = result.Status.ToString(),
                result.Message,
                signal = result.Signal,
                rolloutStatus = result.Snapshot?.Status.ToString(),
                rolloutVersion = result.Snapshot?.Version,
            }, statusCode: status);
        }
    }
}
