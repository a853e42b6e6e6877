using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// A PM posts a summary at a gate: Markdown (rendered sanitised, never as raw HTML), a recommendation (GO, NO-GO,
/// HOLD, ROLLBACK; nothing is chosen for the PM), and the gate's KPIs as they stand at posting time (SLOs, payment and funnel KPIs), attached automatically.
/// </summary>
public sealed class PhaseSummaryService(IPhaseSummaryRepository summaries, IRolloutRepository rollouts, IAuditLog audit, SnapshotBuilder snapshots, SnapshotRefresher refresher, TimeProvider time)
{
    public const int MaxMarkdownLength = 20_000;
    public static readonly IReadOnlyList<string> Recommendations = ["GO", "HOLD", "NO-GO", "ROLLBACK"];

    public async Task<CommandResult> PostAsync(long rolloutId, string markdown, string recommendation, CommandActor actor, CancellationToken cancellationToken)
    {
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.PostSummary))
        {
            return new CommandResult(CommandStatus.Forbidden, "phase summaries are posted by product managers (ProductManager or Admin)");
        }

        recommendation = recommendation.Trim().ToUpperInvariant();
        if (!Recommendations.Contains(recommendation))
        {
            return new CommandResult(CommandStatus.Invalid, "choose a recommendation: GO, HOLD, NO-GO or ROLLBACK");
        }

        if (string.IsNullOrWhiteSpace(markdown) || markdown.Length > MaxMarkdownLength)
        {
            return new CommandResult(CommandStatus.Invalid, $"a summary needs text, at most {MaxMarkdownLength} characters");
        }

        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {rolloutId} does not exist");
        }

        var current = await snapshots.BuildAsync(rollout, cancellationToken);
        var kpis = new
        {
            phase = current.CurrentPhase.Name,
            overall = current.Verdict?.OverallText ?? "NO DATA",
            slos = current.Verdict?.Gates.Select(g => new { g.Name, status = g.StatusText, g.Canary, g.Control, g.Limit }) ?? [],
            payments = KpisOf(current, MetricPanel.Payments),
            funnels = KpisOf(current, MetricPanel.Funnels),
            paymentCaps = current.PaymentCaps,
        };
        // A GO on a RED rollout is the PM's call to make, but nobody should miss that it was made against the board.
        var againstRed = recommendation == "GO" && current.Verdict?.Overall == Core.Evaluation.GateStatus.Red;
        var now = time.GetUtcNow();
        await summaries.InsertAsync(rolloutId, rollout.PhaseIndex, actor.Name, markdown.Trim(), recommendation, JsonSerializer.Serialize(kpis, ShipRoomJson.Options), now, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, "summary.posted", rolloutId, $"Phase summary at {current.CurrentPhase.Name}: {recommendation}" + (againstRed ? " while the rollout is RED" : "")), cancellationToken);
        var snapshot = await refresher.RefreshAsync(rolloutId, cancellationToken);

        return new CommandResult(CommandStatus.Executed, $"summary posted ({recommendation})" + (againstRed ? " — note: GO was posted while the rollout is RED" : ""), Snapshot: snapshot);
    }

    private static object KpisOf(RolloutSnapshot snapshot, MetricPanel panel) =>
        snapshot.Panels.Where(p => p.Panel == panel).SelectMany(p => p.Metrics).Select(m => new { m.Name, m.Control, m.Canary, m.DeltaPercent });
}
