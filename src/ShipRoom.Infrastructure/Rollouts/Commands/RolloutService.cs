using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>How a new rollout reads its metrics and runs its clock.</summary>
public sealed record NewRolloutOptions(string MetricSource, RolloutSourceSettings Settings, double TimeFactor = 1, TimeSpan? StartedAgo = null);

public sealed record CreateRolloutResult(long? RolloutId, IReadOnlyList<PlanProblem> Problems, string? Refusal)
{
    public bool Created => RolloutId is not null;
}

/// <summary>Creates rollouts from plan files (linted first, every problem returned) and lists them.</summary>
public sealed class RolloutService(
    IRolloutRepository rollouts,
    CommandLedger ledger,
    IAuditLog audit,
    IChecklistRepository checklists,
    SnapshotRefresher refresher,
    MetricSourceResolver sources,
    TimeProvider time,
    ILogger<RolloutService> logger)
{
    /// <summary>
    /// Lints and stores a plan as a new rollout: Scheduled, or Running from phase one when
    /// <see cref="NewRolloutOptions.StartedAgo"/> is set (the demo).
    /// </summary>
    public async Task<CreateRolloutResult> CreateAsync(string planYaml, string fileName, CommandActor actor, NewRolloutOptions options, CancellationToken cancellationToken)
    {
        if (!actor.IsAutomatic && !PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.CreateRollout))
        {
            return new CreateRolloutResult(null, [], "creating a rollout needs the ReleaseEngineer or Admin role");
        }

        if (!MetricSourceNames.All.Contains(options.MetricSource, StringComparer.Ordinal))
        {
            return new CreateRolloutResult(null, [], $"metric source must be one of {string.Join(", ", MetricSourceNames.All)}");
        }

        var parsed = PlanParser.Parse(planYaml, fileName);
        if (parsed.Plan is not { } plan)
        {
            return new CreateRolloutResult(null, parsed.Problems, "the plan has errors");
        }

        if (options.StartedAgo is not null && sources.WhyNotReady(options.MetricSource, plan) is { } notReady)
        {
            return new CreateRolloutResult(null, parsed.Problems, $"cannot start it: {notReady}");
        }

        var wallNow = time.GetUtcNow();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(planYaml)));
        var id = await StoreAsync(planYaml, fileName, actor, options, plan, wallNow, hash, cancellationToken);
        logger.LogInformation("Rollout {RolloutId} created ({Version}, source {Source})", id, plan.Release.Version, options.MetricSource);
        await refresher.RefreshAsync(id, cancellationToken);

        return new CreateRolloutResult(id, parsed.Problems, null);
    }

    /// <summary>
    /// The rollout's writes, carried out as a command: someone waits for them, so the polls' writes wait instead
    /// (<see cref="WriteTurns"/>) of meeting them at SQLite's one write lock.
    /// </summary>
    private async Task<long> StoreAsync(string planYaml, string fileName, CommandActor actor, NewRolloutOptions options, RolloutPlan plan, DateTimeOffset wallNow, string hash,
        CancellationToken cancellationToken)
    {
        using var command = ledger.CarryingOut();
        var id = await rollouts.CreateAsync(new NewRollout(plan.Release.Name, plan.Release.Version, plan.Release.Commit, planYaml, hash, RolloutStatus.Scheduled, plan.Release.T0,
            options.MetricSource, options.Settings.ToJson(), options.TimeFactor, wallNow, actor.Name, wallNow), cancellationToken);
        var position = 0;
        await checklists.AddItemsAsync(id, plan.Checklists.SelectMany(list => list.Items.Select(item =>
            new NewChecklistItem(list.Name, item.Key, item.Title, item.OwnerRole, (int)item.DueOffset.TotalMinutes, position++))).ToList(), cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(wallNow, actor.Name, "rollout.created", id, $"Created {plan.Release.Name} {plan.Release.Version} from {Path.GetFileName(fileName)}",
            After: $"{plan.Phases.Count} phases, {plan.Gates.Count} gates, {plan.Triggers.Count} triggers, source {options.MetricSource}"), cancellationToken);

        if (options.StartedAgo is { } ago)
        {
            var created = (await rollouts.GetAsync(id, cancellationToken))!;
            var startedAt = Minutes.Floor(RolloutClock.Now(created, wallNow) - ago);
            var running = plan.Phases.Count == 1 ? RolloutStatus.Stabilising : RolloutStatus.Running;
            await rollouts.TryChangeStateAsync(id, created.Version, new RolloutStateChange(running, 0, startedAt, wallNow), cancellationToken);
            await rollouts.RecordPhaseStartAsync(id, 0, plan.Phases[0].Name, plan.Phases[0].TrafficPercent, startedAt, cancellationToken);
            var (decision, _) = await ledger.RecordAsync(new DecisionDraft(id, RolloutCommand.Start, actor.Name, actor.IsAutomatic ? "demo rollout started" : $"started on creation by {actor.Name}", $"start:{id}:v1", wallNow,
                DecisionOutcome.Executed, nameof(RolloutStatus.Scheduled), $"{running} at {plan.Phases[0].Name}"), cancellationToken);
            await audit.AppendAsync(new AuditEntryDraft(wallNow, actor.Name, "rollout.start", id, $"Started at {plan.Phases[0].Name}", nameof(RolloutStatus.Scheduled), running.ToString(), decision.Reason), cancellationToken);
        }

        return id;
    }
}
