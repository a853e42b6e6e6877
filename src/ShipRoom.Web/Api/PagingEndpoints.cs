using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Notifications;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>POST /api/paging/pagerduty</c>: a PagerDuty V3 webhook subscription's delivery address. Anonymous, but every
/// request must carry PagerDuty's signature over its raw body (<c>PagerDuty:WebhookSecret</c>). Events on incidents
/// ShipRoom's pages opened (acknowledged, resolved, escalated …) are stored once per event id, audited and shown on
/// the rollout's dashboard; other events are answered 200 and ignored, so PagerDuty does not retry them.
/// </summary>
public static class PagingEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapPagingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/paging/pagerduty", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, IOptions<NotificationOptions> options, PageUpdateService pages, CancellationToken cancellationToken)
    {
        var pagerDuty = options.Value.PagerDuty;
        if (!pagerDuty.TakesWebhooks)
        {
            return Results.NotFound(new { error = "PagerDuty webhooks are not configured (ShipRoom:Notifications:PagerDuty:WebhookSecret)" });
        }

        var body = context.Request.ContentLength is > MaxBodyBytes ? null : await RawBody.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (!PagerDutyWebhook.IsSigned(context.Request.Headers[PagerDutyWebhook.SignatureHeader], body, pagerDuty.WebhookSecret!))
        {
            return Results.Json(new { error = $"{PagerDutyWebhook.SignatureHeader} is missing or does not match the body" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var (page, problem, ignored) = PagerDutyWebhook.Read(body);
        if (ignored is not null)
        {
            return Results.Ok(new { status = "ignored", message = ignored });
        }

        if (page is null)
        {
            return Results.BadRequest(new { error = problem });
        }

        return await pages.RecordAsync(page, cancellationToken) switch
        {
            PageUpdateOutcome.Recorded => Results.Ok(new { status = "recorded", message = $"page {page.DedupKey}: {PageStates.Describe(Infrastructure.Storage.PageUpdate.StateOf(page.EventType), page.Agent)}" }),
            PageUpdateOutcome.AlreadyRecorded => Results.Ok(new { status = "duplicate", message = $"event {page.EventId} was recorded before; nothing new stored" }),
            _ => Results.Ok(new { status = "ignored", message = $"rollout {page.RolloutId} does not exist here" }),
        };
    }
}
