using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>/api/notifications/templates: read the #ship-room post templates; release engineering saves or resets one.</summary>
public static class NotificationEndpoints
{
    public sealed record TemplateBody(string Template);

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var templates = endpoints.MapGroup("/api/notifications/templates").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        templates.MapGet("/", async (PostTemplateService service, CancellationToken ct) =>
            Results.Ok((await service.ListAsync(ct)).Select(t => new { kind = t.Kind.Key, t.Kind.Description, placeholders = t.Kind.AllPlaceholders, t.Template, t.IsDefault, t.UpdatedBy, t.UpdatedAt })));
        templates.MapPut("/{kind}", async (string kind, TemplateBody body, HttpContext context, PostTemplateService service, CancellationToken ct) =>
            Result(await service.SaveAsync(CurrentActor.From(context.User), kind, body.Template ?? "", ct)));
        templates.MapDelete("/{kind}", async (string kind, HttpContext context, PostTemplateService service, CancellationToken ct) =>
            Result(await service.ResetAsync(CurrentActor.From(context.User), kind, ct)));
        return endpoints;
    }

    private static IResult Result(TemplateChangeResult result) =>
        result.Saved ? Results.NoContent()
        : result.Forbidden ? Results.Json(new { error = result.Problems[0] }, statusCode: StatusCodes.Status403Forbidden)
        : Results.UnprocessableEntity(new { error = "the template was not saved", problems = result.Problems });
}
