using ShipRoom.Core;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.PostSuccess;

/// <summary>
/// The pre-approved actions after the stable time at 100%: each deploy action the plan names goes through the same
/// deploy executor as every command (lifting the caps audits as the lift at <c>paymentCaps.through</c> does), and the
/// change freeze starts as <see cref="FreezeService"/> records it. Each step is claimed once per rollout (any instance);
/// a failed action is tried again up to <see cref="MaxAttempts"/> times, always under the same idempotency key.
/// </summary>
public sealed class PostSuccessActionRunner(IPostSuccessRepository steps, DeployRunner deploy, CommandLedger ledger, FreezeService freezes, IAuditLog audit, TimeProvider time)
{
    public const int MaxAttempts = 3;

    /// <summary>Claims the step for this caller (first time, a failure with attempts left, or a claim left by a stopped instance).</summary>
    public Task<bool> ClaimAsync(PostSuccessCompletion completion, string step, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return steps.TryClaimAsync(completion.Rollout.Id, step, now, now - deploy.LongestCall, MaxAttempts, cancellationToken);
    }

    public Task<IReadOnlyList<PostSuccessRecord>> ListAsync(long rolloutId, CancellationToken cancellationToken) => steps.ListAsync(rolloutId, cancellationToken);

    public Task FinishAsync(long rolloutId, string step, string outcome, string detail, DateTimeOffset at, CancellationToken cancellationToken) =>
        steps.FinishAsync(rolloutId, step, outcome, detail, at, cancellationToken);

    public async Task<int> RunActionsAsync(PostSuccessCompletion completion, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken)
    {
        var done = 0;
        foreach (var action in completion.Steps.Actions)
        {
            if (await ClaimAsync(completion, action, cancellationToken))
            {
                await RunActionAsync(completion, action, decisions, cancellationToken);
                done++;
            }
        }

        if (completion.Plan.ChangeFreeze is not null && await ClaimAsync(completion, PostSuccessSteps.ChangeFreeze, cancellationToken))
        {
            await StartFreezeAsync(completion, cancellationToken);
            done++;
        }

        return done;
    }

    private async Task RunActionAsync(PostSuccessCompletion completion, string action, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken)
    {
        var rollout = completion.Rollout;
        var plan = completion.Plan;
        if (action == PostSuccessActions.LiftPaymentCaps && DecisionInputs.PaymentCapsLifted(decisions))
        {
            await steps.FinishAsync(rollout.Id, action, PostSuccessOutcomes.Done, $"already lifted when the rollout left {plan.PaymentCaps?.Through} (acknowledged then)", time.GetUtcNow(), cancellationToken);
            return;
        }

        var reason = $"post-success, pre-approved by the plan: stable {NumberText.Duration(plan.Stabilisation)} at {plan.Phases[^1].Name}, completed {completion.WallAt:yyyy-MM-dd HH:mm} UTC";
        ExecutorResult executed;
        string executor;
        if (rollout.CreatedBy == FreezeService.DemoActor)
        {
            // A rehearsal on the simulator asks no deploy system for anything.
            executed = ExecutorResult.Recorded("the demo rollout on the simulator: nothing sent");
            executor = "none";
        }
        else
        {
            var last = plan.Phases.Count - 1;
            executed = await deploy.RunAsync(new DeployAction(action, rollout.Id, plan.Release.Version, plan.Release.Commit, last, plan.Phases[last].Name, plan.Phases[last].TrafficPercent,
                RolloutActor.AutomaticName, reason, time.GetUtcNow()) { IdempotencyKey = completion.KeyOf(action) }, cancellationToken);
            executor = deploy.Name;
        }

        var outcome = executed.RecordedOnly ? PostSuccessOutcomes.RecordedOnly : executed.Acknowledged ? PostSuccessOutcomes.Acknowledged : PostSuccessOutcomes.Failed;
        string detail;
        if (action == PostSuccessActions.LiftPaymentCaps && completion.DecisionId is { } decision)
        {
            // The same audit and acknowledgement record as the lift at paymentCaps.through, kept on the completion decision.
            detail = await ledger.PaymentCapsLiftedAsync(rollout.Id, decision, RolloutActor.AutomaticName, reason, executor, executed, cancellationToken);
        }
        else
        {
            detail = executed.RecordedOnly ? $"{PostSuccessActions.Describe(action).ToLowerInvariant()} pending: no deploy system is configured, carry it out by runbook ({executed.Detail})"
                : executed.Acknowledged ? $"executor {executor} acknowledged ({executed.Detail})"
                : $"NOT done: executor {executor} failed ({executed.Error})";
            await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), RolloutActor.AutomaticName, $"post-success.{action}" + (executed.Acknowledged ? "" : ".failed"), rollout.Id, detail, Reason: reason),
                cancellationToken);
        }

        await steps.FinishAsync(rollout.Id, action, outcome, detail, time.GetUtcNow(), cancellationToken);
    }

    private async Task StartFreezeAsync(PostSuccessCompletion completion, CancellationToken cancellationToken)
    {
        if (completion.Rollout.CreatedBy == FreezeService.DemoActor)
        {
            await steps.FinishAsync(completion.Rollout.Id, PostSuccessSteps.ChangeFreeze, PostSuccessOutcomes.Done, "the demo rollout on the simulator freezes nothing", time.GetUtcNow(), cancellationToken);
            return;
        }

        var state = await freezes.SyncAsync(cancellationToken);
        var window = state.Windows.FirstOrDefault(w => w.RolloutId == completion.Rollout.Id && w.Kind == FreezeKinds.ChangeFreeze);
        var detail = window is null
            ? "the change freeze was not recorded (see the log); GET /api/freezes does not know it"
            : $"change freeze {window.StartsAt:yyyy-MM-dd HH:mm} – {window.EndsAt:yyyy-MM-dd HH:mm} UTC, owner {window.Owner}: GET /api/freezes answers mayDeploy false until then";
        await steps.FinishAsync(completion.Rollout.Id, PostSuccessSteps.ChangeFreeze, window is null ? PostSuccessOutcomes.Failed : PostSuccessOutcomes.Done, detail, time.GetUtcNow(), cancellationToken);
    }
}
