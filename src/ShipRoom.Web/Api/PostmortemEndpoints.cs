using System.Text;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>
/// /api/rollouts/{id}/postmortem: read it (JSON) or export it (postmortem.md) with the report-export permission; edit
/// (PUT) and publish (POST …/publish) as the IC or a PM, over the version last read. The service checks the role.
/// </summary>
public static class PostmortemEndpoints
{
    private const long MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapPostmortemEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/rollouts/{id:long}").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        group.MapGet("/postmortem", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
            !CurrentActor.Can(context.User, RolloutAction.ExportReports) ? Forbidden()
            : await postmortems.GetAsync(id, ct) is { } pm ? Results.Ok(View(pm))
            : Results.NotFound(new { error = $"rollout {id} has no postmortem draft" }));
        group.MapGet("/postmortem.md", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
            !CurrentActor.Can(context.User, RolloutAction.ExportReports) ? Forbidden()
            : await postmortems.GetAsync(id, ct) is { } pm ? Results.File(Encoding.UTF8.GetBytes(pm.Markdown), "text/markdown; charset=utf-8", $"shiproom-postmortem-{id}.md")
            : Results.NotFound(new { error = $"rollout {id} has no postmortem draft" }));
        group.MapPut("/postmortem", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
        {
            var (body, refusal) = await JsonBody.ReadAsync<EditBody>(context, MaxBodyBytes, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            return Result(await postmortems.EditAsync(id, CurrentActor.From(context.User), body!.Markdown ?? "", body.Version, ct));
        });
        group.MapPost("/postmortem/publish", async (long id, HttpContext context, PostmortemService postmortems, CancellationToken ct) =>
        {
            var (body, refusal) = await JsonBody.ReadAsync<PublishBody>(context, 4096, ct);
            return refusal ?? Result(await postmortems.PublishAsync(id, CurrentActor.From(context.User), body!.Version, ct));
        });
        return endpoints;
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
