using Microsoft.AspNetCore.Mvc;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>/api/tokens: administrators issue (shown once), list and revoke API tokens.</summary>
public static class TokenEndpoints
{
    public sealed record IssueTokenRequest(string Name, string[] Roles, int? ExpiresInDays);

    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var tokens = endpoints.MapGroup("/api/tokens").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        tokens.MapPost("/", IssueAsync);
        tokens.MapGet("/", ListAsync);
        tokens.MapDelete("/{id:long}", RevokeAsync);
        return endpoints;
    }

    private static IResult Forbidden() => Results.Json(new { error = "managing API tokens needs the Admin role" }, statusCode: StatusCodes.Status403Forbidden);

    private static async Task<IResult> IssueAsync([FromBody] IssueTokenRequest request, HttpContext context, ApiTokenService service, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.ManageApiTokens))
        {
            return Forbidden();
        }

        try
        {
            var issued = await service.IssueAsync(request.Name, request.Roles ?? [], TimeSpan.FromDays(request.ExpiresInDays ?? 90), CurrentActor.From(context.User).Name, cancellationToken);
            return Results.Created($"/api/tokens/{issued.Id}", new { issued.Id, issued.Token, issued.Prefix, issued.ExpiresAt, note = "the token is shown once: store it now" });
        }
        catch (ArgumentException exception)
        {
            return Results.UnprocessableEntity(new { error = exception.Message });
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, IApiTokenRepository tokens, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.ManageApiTokens))
        {
            return Forbidden();
        }

        // Never the hash, never the secret.
        return Results.Ok((await tokens.ListAsync(cancellationToken)).Select(t => new { t.Id, t.Name, t.Prefix, t.Roles, t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt }));
    }

    private static async Task<IResult> RevokeAsync(long id, HttpContext context, ApiTokenService service, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.ManageApiTokens))
        {
            return Forbidden();
        }

        return await service.RevokeAsync(id, CurrentActor.From(context.User).Name, cancellationToken) ? Results.NoContent() : Results.NotFound(new { error = $"no active token {id}" });
    }
}
