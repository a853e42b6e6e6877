using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>GET /api/freezes</c>: "may I deploy now?" for CI and deploy tools (as shipit's locks), with an API token like
/// every /api endpoint. <c>mayDeploy</c> is false while any lock or freeze is open; <c>mayDeployCritical</c> is false
/// only while an infra lock is (a change freeze lets critical fixes through). Each open window says who owns it, why,
/// since when and until when.
/// </summary>
public static class FreezeEndpoints
{
    public static IEndpointRouteBuilder MapFreezeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/freezes", async (FreezeService freezes, FreezeBoard board, CancellationToken ct) =>
        {
            var state = await freezes.SyncAsync(ct);
            board.Accept(state);
            var open = state.ActiveAt(state.At);
            return Results.Ok(new
            {
                checkedAt = state.At,
                mayDeploy = open.Count == 0,
                mayDeployCritical = !open.Any(w => w.Kind == FreezeKinds.InfraLock),
                active = open.Select(w => new
                {
                    kind = w.Kind,
                    w.RolloutId,
                    w.Owner,
                    w.Reason,
                    startsAt = w.StartsAt,
                    endsAt = w.EndsAt,
                    endsInSeconds = w.EndsAt is { } end ? (long?)Math.Max(0, (long)(end - state.At).TotalSeconds) : null,
                    endsWhen = w.EndsAt is null ? "when the rollout completes or rolls back" : null,
                }),
            });
        }).RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        return endpoints;
    }
}
