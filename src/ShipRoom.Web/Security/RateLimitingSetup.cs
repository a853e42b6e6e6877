using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ShipRoom.Web.Security;

public static class RateLimitingSetup
{
    public const string SignInPolicy = "sign-in";
    public const string ApiPolicy = "api";

    /// <summary>Sign-in is limited per client address so guessing passwords is slow even across accounts.</summary>
    public static IServiceCollection AddShipRoomRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        // SecurityOptionsValidator stops start-up outside this range; the clamp only keeps registration from failing first.
        var apiPerMinute = Math.Clamp((configuration.GetSection(ConfigurationKeys.SecuritySection).Get<Configuration.SecurityOptions>() ?? new()).ApiRequestsPerMinute, 1, 100_000);
        services.AddRateLimiter(options =>
        {
            // Per caller (token or person), so one runaway script cannot starve the ship room's other automation.
            options.AddPolicy(ApiPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } caller ? $"caller:{caller}" : $"ip:{context.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = apiPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                // Tell a well-behaved client when to come back instead of letting it retry in a loop.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
