using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ShipRoom.Web.Security;

public static class RateLimitingSetup
{
    public const string SignInPolicy = "sign-in";

    /// <summary>Sign-in is limited per client address so guessing passwords is slow even across accounts.</summary>
    public static IServiceCollection AddShipRoomRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
