using System.Text;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>
/// /api/rollouts/{id}/postmortem and /api/rollouts/{id}/win-note: read (JSON) or export (.md) with the report-export
/// permission; edit (PUT) and publish (POST …/publish) over the version last read — the postmortem as the IC or a PM,
/// the win note as a PM; the service checks the role. /api/rollouts/{id}/cohort-review: read and export only.
/// </summary>
public static class PostmortemEndpoints
{
    private const long MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapPostmortemEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/rollouts/{id:long}").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        MapDraft(group, "postmortem", DraftKinds.Postmortem);
        MapDraft(group, "win-note", DraftKinds.WinNote);
        // The cohort review is a report ShipRoom publishes itself: read and export only.
        MapRead(group, "cohort-review", DraftKinds.CohortReview);
        return endpoints;
    }

    /// <summary>Read it (JSON) and export it (<c>{route}.md</c>) with the report-export permission.</summary>
    private static void MapRead(RouteGroupBuilder group, string route, string kind)
    {
        group.MapGet($"/{route}", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
            !CurrentActor.Can(context.User, RolloutAction.ExportReports) ? Forbidden()
            : await postmortems.GetAsync(id, ct, kind) is { } pm ? Results.Ok(View(pm))
            : Results.NotFound(new { error = $"rollout {id} has no {route.Replace('-', ' ')}" + (kind == DraftKinds.CohortReview ? "" : " draft") }));
        group.MapGet($"/{route}.md", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
            !CurrentActor.Can(context.User, RolloutAction.ExportReports) ? Forbidden()
            : await postmortems.GetAsync(id, ct, kind) is { } pm ? Results.File(Encoding.UTF8.GetBytes(pm.Markdown), "text/markdown; charset=utf-8", $"shiproom-{route}-{id}.md")
            : Results.NotFound(new { error = $"rollout {id} has no {route.Replace('-', ' ')}" + (kind == DraftKinds.CohortReview ? "" : " draft") }));
    }

    /// <summary>Read and export; edit (PUT) and publish (POST …/publish) over the version last read, as the service allows the role.</summary>
    private static void MapDraft(RouteGroupBuilder group, string route, string kind)
    {
        MapRead(group, route, kind);
        group.MapPut($"/{route}", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
        {
            var (body, refusal) = await JsonBody.ReadAsync<EditBody>(context, MaxBodyBytes, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            return Result(await postmortems.EditAsync(id, CurrentActor.From(context.User), body!.Markdown ?? "", body.Version, ct, kind));
        });
        group.MapPost($"/{route}/publish", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
        {
            var (body, refusal) = await JsonBody.ReadAsync<PublishBody>(context, 4096, ct);
            return refusal ?? Result(await postmortems.PublishAsync(id, CurrentActor.From(context.User), body!.Version, ct, kind));
        });
    }

    private static object View(PostmortemRecord pm) =>
        new { pm.RolloutId, pm.Cause, pm.Markdown, pm.CreatedAt, pm.DueAt, pm.UpdatedBy, pm.UpdatedAt, pm.PublishedBy, pm.PublishedAt, pm.Version, published = pm.IsPublished };

    private static IResult Result(PostmortemResult result) =>
        result.Done ? Results.Ok(View(result.Postmortem!))
        : result.Forbidden ? Results.Json(new { error = result.Problem }, statusCode: StatusCodes.Status403Forbidden)
        : result.NotFound ? Results.NotFound(new { error = result.Problem })
        : result.Conflict ? Results.Conflict(new { error = result.Problem })
        : Results.UnprocessableEntity(new { error = result.Problem });

    private static IResult Forbidden() =>
        Results.Json(new { error = $"{RolloutAction.ExportReports} needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.ExportReports).Order(StringComparer.Ordinal))}" }, statusCode: StatusCodes.Status403Forbidden);

    private sealed record EditBody(string? Markdown, long Version);

    private sealed record PublishBody(long Version);
}
