using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Api;

/// <summary>
/// Reads a JSON request body within a size limit and answers what was wrong in words: a body over the limit is 413
/// before it is read, bytes that are not UTF-8 or JSON that does not parse are 400 with the reason, never an empty 400.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Refusal)> ReadAsync<T>(HttpContext context, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Also for chunked bodies, which carry no length: the server stops reading past the limit.
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            // The same options model binding uses (web defaults: property names in any case).
            var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, cancellationToken);
            return value is null ? (null, Results.BadRequest(new { error = "the request body is empty or null; send a JSON object" })) : (value, null);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (JsonException exception)
        {
            // System.Text.Json refuses bytes that are not UTF-8 here, so no replacement character ever reaches storage.
            // A lone surrogate escape (\ud800) arrives as the inner exception, which says so; the outer one does not.
            var reason = exception.InnerException is InvalidOperationException inner ? $"{inner.Message} (at {exception.Path})" : exception.Message;
            return (null, Results.BadRequest(new { error = $"the request body is not valid JSON in UTF-8: {reason}" }));
        }
    }

    private static IResult TooLarge(long maxBytes) =>
        Results.Json(new { error = $"the request body is larger than {maxBytes / 1024} KB; a plan may be at most {Core.Plans.PlanParser.MaxPlanBytes / 1024} KB" },
            statusCode: StatusCodes.Status413PayloadTooLarge);
}
