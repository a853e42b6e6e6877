using Microsoft.Extensions.Options;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Security;

/// <summary>
/// Refuses, with 403, a browser on another site that opens ShipRoom's live connections (the Blazor circuit at /_blazor,
/// the hub at /hubs/rollouts). WebSockets are not bound by the same-origin policy: without this check a page elsewhere
/// could open a circuit carrying the visitor's cookie. Programs that send no Origin (automation with a token) pass.
/// </summary>
public static class BrowserOriginCheck
{
    public static IApplicationBuilder UseBrowserOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if ((path.StartsWithSegments("/_blazor") || path.StartsWithSegments(Live.RolloutsHub.Path)) &&
            context.Request.Headers.Origin is { Count: > 0 } origin &&
            !IsAllowed(origin.ToString(), context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Cross-origin connection refused: this page's origin may not open ShipRoom's live updates " +
                                              "(an operator can allow it in ShipRoom:Security:AllowedOrigins).");
            return;
        }

        await next();
    });

    internal static bool IsAllowed(string origin, HttpContext context)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var claimed))
        {
            return false; // "null" (a sandboxed frame, a file) and anything malformed.
        }

        var request = context.Request;
        var own = new Uri($"{request.Scheme}://{request.Host}");
        if (SameOrigin(claimed, own))
        {
            return true;
        }

        var allowed = context.RequestServices.GetRequiredService<IOptions<BrowserOriginOptions>>().Value.AllowedOrigins;
        return allowed.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && SameOrigin(claimed, uri));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        a.Port == b.Port;
}
