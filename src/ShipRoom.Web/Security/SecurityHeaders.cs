namespace ShipRoom.Web.Security;

public static class SecurityHeaders
{
    /// <summary>Headers every response carries: no sniffing, no framing, no referrer leaking rollout URLs.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Frame-Options"] = "DENY";
            headers["Content-Security-Policy"] = ContentSecurityPolicy;
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                // Rollout state, audit entries and tokens must not linger in a browser or proxy cache.
                headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        });
        await next();
    });

    // Blazor Server and MudBlazor need inline styles; Plotly needs blob: workers and data: images. No inline script.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
}
