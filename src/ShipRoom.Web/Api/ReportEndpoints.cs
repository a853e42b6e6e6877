using System.Text;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>
/// /api/rollouts/{id}/scorecard (JSON, Markdown, CSV) for anyone who may export reports, and /archive.zip, the audit
/// archive, for the roles that may see the roster's contacts and the audit trail; each archive download is audited.
/// </summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var reports = endpoints.MapGroup("/api/rollouts/{id:long}").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        reports.MapGet("/scorecard", (long id, HttpContext context, ScorecardService scorecards, CancellationToken ct) => ScorecardAsync(id, null, context, scorecards, ct));
        reports.MapGet("/scorecard.{format}", (long id, string format, HttpContext context, ScorecardService scorecards, CancellationToken ct) => ScorecardAsync(id, format, context, scorecards, ct));
        reports.MapGet("/archive.zip", ArchiveAsync);
        reports.MapGet("/report", ReportAsync);
        return endpoints;
    }

    private static async Task<IResult> ScorecardAsync(long id, string? format, HttpContext context, ScorecardService scorecards, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.ExportReports))
        {
            return Forbidden(RolloutAction.ExportReports);
        }

        if (format is not (null or "json" or "md" or "csv"))
        {
            return Results.NotFound(new { error = $"'{format}' is not a scorecard format (json, md, csv)" });
        }

        if (await scorecards.BuildAsync(id, cancellationToken) is not { } scorecard)
        {
            return Results.NotFound(new { error = $"rollout {id} does not exist" });
        }

        var name = $"shiproom-scorecard-{id}";
        return format switch
        {
            null => Results.Ok(scorecard),
            "json" => Results.File(Encoding.UTF8.GetBytes(ScorecardExport.ToJson(scorecard)), "application/json", name + ".json"),
            "md" => Results.File(Encoding.UTF8.GetBytes(ScorecardExport.ToMarkdown(scorecard)), "text/markdown; charset=utf-8", name + ".md"),
            _ => Results.File(Encoding.UTF8.GetBytes(ScorecardExport.ToCsv(scorecard)), "text/csv; charset=utf-8", name + ".csv"),
        };
    }

    private static async Task<IResult> ArchiveAsync(long id, HttpContext context, RolloutArchiveService archives, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = CurrentActor.From(context.User);
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.DownloadArchive))
        {
            return Forbidden(RolloutAction.DownloadArchive);
        }

        if (await archives.BuildAsync(id, cancellationToken) is not { } archive)
        {
            return Results.NotFound(new { error = $"rollout {id} does not exist" });
        }

        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "rollout.archive.downloaded", id, $"Audit archive downloaded ({archive.Zip.Length} bytes)"), cancellationToken);
        return Results.File(archive.Zip, "application/zip", archive.FileName);
    }

    private static async Task<IResult> ReportAsync(long id, HttpContext context, Infrastructure.Notifications.CadenceReportPreview notifications, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.ExportReports))
        {
            return Forbidden(RolloutAction.ExportReports);
        }

        return await notifications.CurrentReportAsync(id, cancellationToken) is { } report
            ? Results.Ok(new { report.Title, text = report.Body, severity = report.Severity.ToString().ToLowerInvariant(), mention = report.Mention, report.MentionReason, at = report.At })
            : Results.NotFound(new { error = $"rollout {id} does not exist" });
    }

    private static IResult Forbidden(RolloutAction action) =>
        Results.Json(new { error = $"{action} needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(action).Order(StringComparer.Ordinal))}" }, statusCode: StatusCodes.Status403Forbidden);
}
