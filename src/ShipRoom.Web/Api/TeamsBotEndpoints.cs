using System.Text.Json;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.ChatActions;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Web.Security;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>POST /api/chat/teams/messages</c>: the Teams bot's messaging endpoint. Anonymous, but every request must carry a
/// Bot Framework token for the configured bot (<see cref="BotFrameworkTokens"/>). A Hold / Roll back / Approve click
/// on a card (an <c>adaptiveCard/action</c> invoke with an Action.Execute verb) is carried out as the ShipRoom person the
/// clicker's Entra object id maps to on the roster (<see cref="ChatActionService"/>), and the outcome is the invoke's
/// answer, which Teams shows to the clicker. Other activities are acknowledged and ignored.
/// </summary>
public static class TeamsBotEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;
    public const string InvokeName = "adaptiveCard/action";

    public static IEndpointRouteBuilder MapTeamsBotEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/chat/teams/messages", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, IOptions<NotificationOptions> options, BotFrameworkTokens tokens, ChatActionService actions, CancellationToken cancellationToken)
    {
        if (!options.Value.Teams.Interactive)
        {
            return Results.NotFound(new { error = "Teams buttons are not configured (ShipRoom:Notifications:Teams:BotAppId)" });
        }

        if (await tokens.CheckAsync(context.Request.Headers.Authorization, cancellationToken) is { } refusal)
        {
            return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var body = context.Request.ContentLength is > MaxBodyBytes ? null : await RawBody.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (Parse(body) is not { } click)
        {
            // A message, a conversation update …: nothing for ShipRoom to do; 200 so the Connector does not retry.
            return Results.Ok();
        }

        var result = await actions.ActAsync(click, cancellationToken);
        return Results.Json(new { statusCode = 200, type = "application/vnd.microsoft.activity.message", value = result.Text });
    }

    /// <summary>The click an <c>adaptiveCard/action</c> invoke carries; null for any other activity.</summary>
    private static ChatClick? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            var activity = document.RootElement;
            if (activity.ValueKind != JsonValueKind.Object || Text(activity, "type") != "invoke" || Text(activity, "name") != InvokeName
                || !activity.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object
                || !value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object || Text(action, "type") != "Action.Execute"
                || !activity.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var rolloutId = action.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? Text(data, "rolloutId") : null;
            // The Entra object id names the person (a roster chat handle for Teams is the object id or the sign-in name).
            var user = Text(from, "aadObjectId") ?? Text(from, "id");
            return user is null ? null : new ChatClick(ChannelNames.Teams, user, null, Text(action, "verb") ?? "", rolloutId, Text(activity, "id") ?? Guid.NewGuid().ToString("N"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
