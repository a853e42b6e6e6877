using System.Text.Json;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>POST /api/rollouts/{id}/executions/{decisionId}</c>: the deploy system says it finished a decision ShipRoom sent it
/// (traffic restored, for a rollback). No session or token: the body is signed with the deploy webhook's secret
/// (<see cref="CallbackSignature"/>). Body: <c>{"completedAt": "…" (optional), "detail": "…" (optional)}</c>.
/// </summary>
public static class ExecutionCallbackEndpoints
{
    public const int MaxBodyBytes = 16 * 1024;

    public sealed record CompletionBody(DateTimeOffset? CompletedAt, string? Detail);

    public static IEndpointRouteBuilder MapExecutionCallbackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/rollouts/{id:long}/executions/{decisionId:long}", CompleteAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        return endpoints;
    }

    private static async Task<IResult> CompleteAsync(long id, long decisionId, HttpContext context, IOptions<DeployOptions> deploy, CallbackSignature signatures,
        ExecutionCompletions completions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(deploy.Value.WebhookUrl) || string.IsNullOrEmpty(deploy.Value.WebhookSecret))
        {
            return Results.NotFound(new { error = "no deploy webhook is configured, so there is nothing to call back about" });
        }

        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = await RawBody.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        string? signature = context.Request.Headers[WebhookDeployExecutor.SignatureHeader];
        var refusal = signatures.Check(context.Request.Headers[CallbackSignature.TimestampHeader], signature, id, decisionId, body, deploy.Value.WebhookSecret);
        if (refusal is not null)
        {
            return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status401Unauthorized);
        }

        CompletionBody? parsed;
        try
        {
            parsed = body.Length == 0 ? new CompletionBody(null, null) : JsonSerializer.Deserialize<CompletionBody>(body, ShipRoom.Core.ShipRoomJson.Options);
        }
        catch (JsonException)
        {
            return Results.BadRequest(new { error = "the body is not JSON of the form {\"completedAt\": \"…\", \"detail\": \"…\"}" });
        }

        var result = await completions.RecordAsync(id, decisionId, parsed?.CompletedAt, parsed?.Detail, signature!, cancellationToken);
        return result.Status switch
        {
            CompletionStatus.Replay => Results.Json(new { error = result.Message }, statusCode: StatusCodes.Status401Unauthorized),
            CompletionStatus.Recorded => Results.Ok(new { status = "recorded", message = result.Message, completedAt = result.CompletedAt }),
            CompletionStatus.NotFound => Results.NotFound(new { error = result.Message }),
            CompletionStatus.AlreadyRecorded => Results.Conflict(new { error = result.Message }),
            _ => Results.UnprocessableEntity(new { error = result.Message }),
        };
    }
}
