using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ShipRoom.Web.Configuration;
using ShipRoom.Web.Security;

namespace ShipRoom.Web.Authentication;

/// <summary>Sign-in and sign-out as plain form posts, so the session cookie is set on a real HTTP response.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/login", SignInAsync).AllowAnonymous().RequireRateLimiting(RateLimitingSetup.SignInPolicy);
        endpoints.MapGet("/account/oidc-login", ChallengeOidc).AllowAnonymous().RequireRateLimiting(RateLimitingSetup.SignInPolicy);
        endpoints.MapPost("/account/logout", SignOutAsync);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? userName,
        [FromForm] string? password,
        [FromForm] string? returnUrl,
        HttpContext context,
        LocalAccountService accounts,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        if (options.Value.ParsedMode != AuthMode.Local)
        {
            return Results.Redirect("/login");
        }

        var target = SafeReturnUrl(returnUrl);
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 64 || password.Length > 256)
        {
            return Results.Redirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(target)}");
        }

        var result = await accounts.SignInAsync(userName, password, cancellationToken);
        if (result is { Outcome: SignInOutcome.Succeeded, User: { } user })
        {
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ClaimsFactory.ForLocalUser(user));
            return Results.Redirect(target);
        }

        var error = result.Outcome == SignInOutcome.LockedOut ? "locked" : "invalid";
        return Results.Redirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(target)}");
    }

    private static IResult ChallengeOidc(string? returnUrl, IOptions<AuthOptions> options) =>
        options.Value.ParsedMode == AuthMode.OpenIdConnect
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme])
            : Results.Redirect("/login");

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The form has no field of its own, so no antiforgery check is implied by binding: without this one any site
        // could post here and sign people out of the ship room in the middle of a rollout.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest("Sign-out refused: the form's antiforgery token is missing or invalid. Reload the page and sign out again.");
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/login");
    }

    /// <summary>Only paths on this site: an open redirect after sign-in would hand a phishing page a trusted link.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
