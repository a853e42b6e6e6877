using System.Globalization;
using System.Text;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>
/// /api/audit: search the audit trail, export it as CSV, verify its hash chain. Anyone signed in reads rollout
/// activity; sign-in activity (failures, lockouts) only Security and Admin (see docs/security.md).
/// </summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var audit = endpoints.MapGroup("/api/audit").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        audit.MapGet("/", SearchAsync);
        audit.MapGet("/export.csv", ExportAsync);
        audit.MapGet("/verify", async (IAuditLog log, CancellationToken ct) => Results.Ok(await log.VerifyChainAsync(ct)));
        return endpoints;
    }

    private static AuditQuery Query(HttpContext context, long? rollout, string? actor, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? limit) =>
        new(rollout, string.IsNullOrWhiteSpace(actor) ? null : actor, string.IsNullOrWhiteSpace(kind) ? null : kind, from, to, Math.Clamp(limit ?? 500, 1, 10_000),
            IncludeSignIns: CurrentActor.Can(context.User, RolloutAction.ReadSignInAudit));

    private static async Task<IResult> SearchAsync(long? rollout, string? actor, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? limit, HttpContext context, IAuditLog log, CancellationToken ct) =>
        Results.Ok(await log.QueryAsync(Query(context, rollout, actor, kind, from, to, limit), ct));

    private static async Task<IResult> ExportAsync(long? rollout, string? actor, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? limit, HttpContext context, IAuditLog log, CancellationToken ct)
    {
        var entries = await log.QueryAsync(Query(context, rollout, actor, kind, from, to, limit ?? 10_000), ct);
        return Results.File(Encoding.UTF8.GetBytes(Infrastructure.Reports.AuditCsv.Write(entries)), "text/csv", "shiproom-audit.csv");
    }
}
