using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Security;

namespace ShipRoom.Web.Authentication;

/// <summary>
/// Bearer API tokens for automation (the HTTP API and the hub). SignalR clients that cannot set a header send the
/// token as <c>access_token</c>, accepted on the hub's path only.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string StorageUnavailableKey = "shiproom.token-storage-unavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header["Bearer ".Length..].Trim();
        }
        else if (Request.Path.StartsWithSegments("/hubs") && Request.Query.TryGetValue("access_token", out var query))
        {
            presented = query.ToString();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        ShipRoom.Infrastructure.Storage.ApiTokenRecord? token;
        try
        {
            token = await tokens.ValidateAsync(presented, Context.RequestAborted);
        }
        catch (Exception exception) when (ShipRoom.Infrastructure.Storage.StorageFailures.IsStorageFailure(exception))
        {
            // Not "invalid": the token could not be checked. Answered 503 with Retry-After by the challenge below.
            Context.Items[StorageUnavailableKey] = true;
            return AuthenticateResult.Fail("the database is unavailable and this token was not validated here in the last few minutes");
        }

        if (token is null)
        {
            return AuthenticateResult.Fail("invalid, expired or revoked API token");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"token:{token.Id}"),
            new(ClaimTypes.Name, $"token:{token.Name}"),
        };
        claims.AddRange(token.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(StorageUnavailableKey))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
