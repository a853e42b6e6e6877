using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using Microsoft.AspNetCore.Mvc;
using ShipRoom.Core.Security;
using ShipRoom.Web.Live;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;

namespace ShipRoom.Web.Api;

/// <summary>The HTTP API under /api/rollouts: read snapshots, create rollouts, give commands, poll now.</summary>
public static class RolloutEndpoints
{
    /// <summary>A plan may be 256 KB; escaped as a JSON string it can grow (\n, \uXXXX), hardly past four times.</summary>
    public const long MaxCreateBodyBytes = 4L * Core.Plans.PlanParser.MaxPlanBytes;

    public sealed record CreateRolloutRequest(string PlanYaml, string? FileName, string? MetricSource, string? Scenario, int? ScenarioStartsAtPhase, bool? Start, string? FreezeOverrideReason = null);

    public sealed record CommandBody(string Reason, long? ExpectedVersion, string? IdempotencyKey, string? FreezeOverrideReason = null);

    public sealed record TickBody(string State, string? Reason);

    public sealed record SummaryBody(string Markdown, string Recommendation);

    public static IEndpointRouteBuilder MapRolloutEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/rollouts").RequireAuthorization().RequireRateLimiting(Security.RateLimitingSetup.ApiPolicy);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id:long}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPost("/{id:long}/commands/{kind}", CommandAsync);
        api.MapPost("/{id:long}/poll", PollAsync);
        api.MapPost("/{id:long}/checklist/{itemKey}", TickAsync);
        api.MapPost("/{id:long}/summaries", PostSummaryAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(RolloutDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var rows = await directory.ListAsync(cancellationToken);
        return Results.Ok(rows.Select(r => new
        {
            r.Id,
            r.Name,
            version = r.Version,
            status = r.Status.ToString(),
            r.PhaseIndex,
            phase = r.Phase,
            trafficPercent = r.Snapshot?.CurrentPhase.TrafficPercent,
            overall = r.Snapshot?.Verdict?.OverallText,
            recommendation = r.Snapshot?.Verdict?.Recommendation.Text,
            startedAt = r.StartedAt,
            stale = r.Snapshot?.Poll.IsStale(time.GetUtcNow()),
            rolloutVersion = r.Snapshot?.Version,
        }));
    }

    private static async Task<IResult> GetAsync(long id, RolloutSnapshotReader reader, CancellationToken cancellationToken) =>
        await reader.GetAsync(id, cancellationToken) is { } snapshot ? Results.Ok(snapshot) : Results.NotFound(new { error = $"rollout {id} does not exist" });

    private static async Task<IResult> CreateAsync(HttpContext context, RolloutService rollouts, Infrastructure.Freezes.FreezeService freezes, CancellationToken cancellationToken)
    {
        var actor = CurrentActor.From(context.User);
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.CreateRollout))
        {
            return Results.Json(new { error = "creating a rollout needs the ReleaseEngineer or Admin role" }, statusCode: StatusCodes.Status403Forbidden);
        }

        // Read by hand, after the role check: a caller who may not create never makes the server read a large body.
        var (request, refusal) = await JsonBody.ReadAsync<CreateRolloutRequest>(context, MaxCreateBodyBytes, cancellationToken);
        if (request is null)
        {
            return refusal!;
        }

        if (string.IsNullOrWhiteSpace(request.PlanYaml))
        {
            return Results.BadRequest(new { error = "planYaml is required" });
        }

        if (request.Start == true &&
            await freezes.RefuseStartAsync(null, actor.Name, actor.Roles, request.FreezeOverrideReason, cancellationToken) is { } frozen)
        {
            // Created and started in one call is a start like any other: inside a lock or freeze only the executive
            // approver starts, with an override reason (audited). Nothing is created when it is refused.
            return Results.UnprocessableEntity(new { error = $"cannot start: {frozen}", problems = Array.Empty<object>() });
        }

        var settings = new RolloutSourceSettings(request.Scenario ?? "healthy", request.ScenarioStartsAtPhase ?? 0);
        var result = await rollouts.CreateAsync(request.PlanYaml, request.FileName ?? "plan.yaml", actor,
            new NewRolloutOptions(request.MetricSource ?? MetricSourceNames.Prometheus, settings, StartedAgo: request.Start == true ? TimeSpan.Zero : null), cancellationToken);
        if (!result.Created)
        {
            return Results.UnprocessableEntity(new { error = result.Refusal, problems = result.Problems.Select(p => new { p.Line, p.Column, p.Field, p.Message, severity = p.Severity.ToString() }) });
        }

        return Results.Created($"/api/rollouts/{result.RolloutId}", new { id = result.RolloutId, warnings = result.Problems.Select(p => p.ToString()) });
    }

    private static async Task<IResult> CommandAsync(long id, string kind, [FromBody] CommandBody body, HttpContext context, RolloutCommandService commands, CancellationToken cancellationToken)
    {
        if (!RolloutCommands.TryParse(kind, out var command))
        {
            return Results.Json(new { status = nameof(CommandStatus.Invalid), message = $"'{kind}' is not a rollout command (commands: {RolloutCommands.KeysText})" },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var result = await commands.ExecuteAsync(new CommandRequest(id, command, CurrentActor.From(context.User), body.Reason ?? "", body.ExpectedVersion, body.IdempotencyKey) { FreezeOverride = body.FreezeOverrideReason }, cancellationToken);
        return Results.Json(new { status = result.Status.ToString(), result.Message, result.DecisionId, rolloutStatus = result.RolloutStatus?.ToString(), rolloutVersion = result.RolloutVersion },
            statusCode: StatusCodeOf(result.Status, StatusCodes.Status200OK));
    }

    private static async Task<IResult> TickAsync(long id, string itemKey, [FromBody] TickBody body, HttpContext context, ChecklistService checklists, CancellationToken cancellationToken)
    {
        var result = await checklists.TickAsync(id, itemKey, body.State ?? "", CurrentActor.From(context.User), body.Reason, cancellationToken);
        return Results.Json(new { status = result.Status.ToString(), result.Message }, statusCode: StatusCodeOf(result.Status, StatusCodes.Status200OK));
    }

    private static async Task<IResult> PostSummaryAsync(long id, [FromBody] SummaryBody body, HttpContext context, PhaseSummaryService summaries, CancellationToken cancellationToken)
    {
        var result = await summaries.PostAsync(id, body.Markdown ?? "", body.Recommendation ?? "", CurrentActor.From(context.User), cancellationToken);
        return Results.Json(new { status = result.Status.ToString(), result.Message }, statusCode: StatusCodeOf(result.Status, StatusCodes.Status201Created));
    }

    /// <summary>One mapping from a command's outcome to HTTP for every endpoint that changes a rollout.</summary>
    private static int StatusCodeOf(CommandStatus status, int succeeded) => status switch
    {
        CommandStatus.Executed or CommandStatus.Duplicate => succeeded,
        CommandStatus.Forbidden => StatusCodes.Status403Forbidden,
        CommandStatus.NotFound => StatusCodes.Status404NotFound,
        CommandStatus.Conflict => StatusCodes.Status409Conflict,
        CommandStatus.ExecutorFailed => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static async Task<IResult> PollAsync(long id, HttpContext context, RolloutPoller poller, CancellationToken cancellationToken)
    {
        if (!CurrentActor.Can(context.User, RolloutAction.PollNow))
        {
            return Results.Json(new { error = "poll now needs the IncidentCommander, ReleaseEngineer or Admin role" }, statusCode: StatusCodes.Status403Forbidden);
        }

        var outcome = await poller.PollAsync(id, cancellationToken);
        return outcome.Kind == PollOutcomeKind.NotFound
            ? Results.NotFound(new { error = $"rollout {id} does not exist" })
            : Results.Ok(new { outcome = outcome.Kind.ToString(), outcome.Samples, outcome.From, outcome.To, outcome.Problems });
    }
}
