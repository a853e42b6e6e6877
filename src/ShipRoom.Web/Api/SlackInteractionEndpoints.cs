using System.Text.Json;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.ChatActions;
using ShipRoom.Infrastructure.Notifications;

namespace ShipRoom.Web.Api;

/// <summary>
/// <c>POST /api/chat/slack/interactions</c>: the Slack app's interactivity request URL. Anonymous, but every request
/// must carry Slack's v0 signature over its raw body with a timestamp within 5 minutes, and is refused when replayed.
/// A Hold / Roll back / Approve click is carried out as the ShipRoom person the clicker maps to (see
/// <see cref="ChatActionService"/>), and the outcome is answered in the thread through the click's response_url
/// (only under <c>Slack:ResponseUrlPrefix</c>) and in the response body.
/// </summary>
public static class SlackInteractionEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapSlackInteractionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/chat/slack/interactions", InteractAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        return endpoints;
    }

    private static async Task<IResult> InteractAsync(HttpContext context, IOptions<NotificationOptions> options, SlackSignature signatures, ChatActionService actions,
        IHttpClientFactory httpClients, ILogger<SlackInteractionProblems> logger, CancellationToken cancellationToken)
    {
        var slack = options.Value.Slack;
        if (!slack.Interactive)
        {
            return Results.NotFound(new { error = "Slack buttons are not configured (ShipRoom:Notifications:Slack:SigningSecret)" });
        }

        var body = context.Request.ContentLength is > MaxBodyBytes ? null : await RawBody.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (await signatures.AcceptAsync(context.Request.Headers[SlackSignature.TimestampHeader], context.Request.Headers[SlackSignature.SignatureHeader], body, slack.SigningSecret!, cancellationToken) is { } refusal)
        {
            return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (Parse(body) is not { } interaction)
        {
            return Results.BadRequest(new { error = "expected a form field payload holding a block_actions interaction" });
        }

        var result = await actions.ActAsync(interaction.Click, cancellationToken);
        var answer = new { response_type = "in_channel", replace_original = false, text = result.Text };
        if (interaction.ResponseUrl is { } responseUrl && responseUrl.StartsWith(slack.ResponseUrlPrefix, StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
                using var response = await httpClients.CreateClient(ChannelSender.HttpClientName).PostAsJsonAsync(uri, answer, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Slack's response_url answered HTTP {Status}: the outcome was not posted in the thread", (int)response.StatusCode);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The response_url is a secret (it carries a token): only the failure's kind is logged.
                logger.LogWarning("Posting the outcome to Slack's response_url failed ({Kind})", exception.GetType().Name);
            }
        }

        return Results.Json(answer);
    }

    private sealed record Interaction(ChatClick Click, string? ResponseUrl);

    /// <summary>Slack's form body <c>payload={json}</c>, of type block_actions with one action; null when it is not that.</summary>
    private static Interaction? Parse(string body)
    {
        try
        {
            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
            if (!form.TryGetValue("payload", out var payload) || payload.Count != 1)
            {
                return null;
            }

            using var json = JsonDocument.Parse(payload[0]!);
            var root = json.RootElement;
            if (root.GetProperty("type").GetString() != "block_actions" || root.GetProperty("actions").GetArrayLength() == 0)
            {
                return null;
            }

            var user = root.GetProperty("user");
            var action = root.GetProperty("actions")[0];
            var userId = user.GetProperty("id").GetString();
            if (string.IsNullOrWhiteSpace(userId))
            {
                return null;
            }

            var clickId = action.TryGetProperty("action_ts", out var ts) ? ts.GetString() : root.TryGetProperty("trigger_id", out var trigger) ? trigger.GetString() : null;
            return new Interaction(
                new ChatClick("slack", userId, user.TryGetProperty("username", out var name) ? name.GetString() : null, action.GetProperty("action_id").GetString() ?? "",
                    action.TryGetProperty("value", out var value) ? value.GetString() : null, clickId ?? Guid.NewGuid().ToString("N")),
                root.TryGetProperty("response_url", out var url) ? url.GetString() : null);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The log category of this endpoint.</summary>
    public sealed class SlackInteractionProblems;
}
