using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Authentication;

public static class AuthenticationSetup
{
    public const string SelectorScheme = "ShipRoom";

    /// <summary>
    /// Cookie sessions for people; OpenID Connect signs them in when configured, local accounts otherwise.
    /// Every endpoint needs a signed-in caller unless it says AllowAnonymous: nothing is open by accident.
    /// </summary>
    public static IServiceCollection AddShipRoomAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(ConfigurationKeys.AuthSection).Get<AuthOptions>() ?? new AuthOptions();
        var useOidc = Enum.TryParse<AuthMode>(auth.Mode, ignoreCase: true, out var mode) && mode == AuthMode.OpenIdConnect;

        var authentication = services.AddAuthentication(options => options.DefaultScheme = SelectorScheme);
        // One front door: a bearer API token goes to the token handler, everything else to the session cookie
        // (whose challenge sends a browser to sign in, locally or at the identity provider).
        authentication.AddPolicyScheme(SelectorScheme, "Cookie or API token", options =>
        {
            options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ||
                (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query.ContainsKey("access_token"))
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme;
            if (useOidc)
            {
                options.ForwardChallenge = OpenIdConnectDefaults.AuthenticationScheme;
            }
        });
        authentication.AddCookie(options =>
        {
            options.LoginPath = "/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/access-denied";
            options.Cookie.Name = "shiproom.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(Math.Clamp(auth.SessionHours, 1, 24 * 14));
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        if (useOidc)
        {
            authentication.AddOpenIdConnect(options =>
            {
                options.Authority = auth.OpenIdConnect.Authority;
                options.ClientId = auth.OpenIdConnect.ClientId;
                options.ClientSecret = auth.OpenIdConnect.ClientSecret;
                options.RequireHttpsMetadata = auth.OpenIdConnect.RequireHttpsMetadata;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = false;
                options.Scope.Add("profile");
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = ClaimTypes.Role;
                options.ClaimActions.MapJsonKey(ClaimTypes.Role, auth.OpenIdConnect.RoleClaim);
                options.Events.OnTokenValidated = context =>
                {
                    OidcRoleMapper.MapRoles(context.Principal, auth.OpenIdConnect.RoleClaim);
                    return Task.CompletedTask;
                };
            });
        }

        authentication.AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);

        services.AddAuthorization(options =>
        {
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return services;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // APIs and the hub answer with a status code; a browser navigating to a page is sent to sign in.
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/metrics"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
