using Quartz;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Health;

/// <summary>/health (the process answers) and /ready (storage migrated and reachable, scheduler started).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Ok(new { status = "alive" })).AllowAnonymous().DisableRateLimiting();
        endpoints.MapGet("/ready", CheckReadinessAsync).AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    private static async Task<IResult> CheckReadinessAsync(
        ReadinessState readiness,
        IMigrationRunner migrations,
        ISchedulerFactory schedulers,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!readiness.StorageReady)
        {
            problems.Add("storage: start-up migrations have not finished");
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                if (!await migrations.IsCurrentAsync(timeout.Token))
                {
                    problems.Add("storage: schema is not current");
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                loggers.CreateLogger(typeof(HealthEndpoints)).LogWarning("Readiness: storage unreachable ({Error})", exception.GetType().Name);
                problems.Add("storage: unreachable");
            }
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await scheduler.GetStatus(cancellationToken) != SchedulerStatus.Running)
        {
            problems.Add("scheduler: not started");
        }

        return problems.Count == 0
            ? Results.Ok(new { status = "ready" })
            : Results.Json(new { status = "not ready", problems }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
