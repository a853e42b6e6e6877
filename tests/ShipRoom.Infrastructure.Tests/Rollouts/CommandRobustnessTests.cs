using System.Collections.Concurrent;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// The command path under faults: a deploy system that fails then recovers, a command left half-done by a stopped
/// instance, fifty people clicking at once. Every outcome is answered with the right status and audited.
/// </summary>
public abstract class CommandRobustnessTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>The deploy system as ShipRoom sees it: fails the first <see cref="FailFirst"/> calls, then acknowledges; keeps every call.</summary>
    private sealed class DeploySystem : IDeployExecutor
    {
        public ConcurrentQueue<DeployAction> Calls { get; } = new();

        public int FailFirst { get; set; }

        public string Name => "scripted";

        public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
        {
            Calls.Enqueue(action);
            return Task.FromResult(Calls.Count <= FailFirst ? ExecutorResult.Failed("deploy API answered 503") : ExecutorResult.Ok($"{action.Action} acknowledged"));
        }
    }

    private static CommandRequest Command(long id, RolloutCommand kind, long? version, string? key = null, CommandActor? actor = null) =>
        new(id, kind, actor ?? RolloutTestHost.IncidentCommander, "checkout P95 is drifting", version, key);

    [Theory]
    [InlineData(RolloutCommand.Hold, RolloutStatus.Held)]
    [InlineData(RolloutCommand.RollBack, RolloutStatus.RolledBack)]
    public async Task A_command_the_deploy_system_failed_is_carried_out_again_when_given_again(RolloutCommand kind, RolloutStatus finally_)
    {
        var deploy = new DeploySystem { FailFirst = 1 };
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync();

        var first = await host.Commands.ExecuteAsync(Command(id, kind, 2), Ct);
        var moved = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        var again = await host.Commands.ExecuteAsync(Command(id, kind, moved.Version), Ct);

        Assert.Equal(CommandStatus.ExecutorFailed, first.Status);
        Assert.Contains("give the command again to retry", first.Message);
        Assert.Equal(CommandStatus.Executed, again.Status);
        Assert.Contains("carried out again", again.Message);
        Assert.Equal(2, deploy.Calls.Count);
        Assert.Equal(finally_, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
    }

    [Fact]
    public async Task Time_to_rollback_counts_from_the_first_request_when_the_first_attempt_failed()
    {
        var deploy = new DeploySystem { FailFirst = 1 };
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync();
        var firstAt = host.Time.GetUtcNow();

        await host.Commands.ExecuteAsync(Command(id, RolloutCommand.RollBack, 2), Ct);
        host.Time.Advance(TimeSpan.FromSeconds(40));
        var moved = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        var retried = await host.Commands.ExecuteAsync(Command(id, RolloutCommand.RollBack, moved.Version), Ct);

        var timing = (await retried.Published)!.Rollback;
        Assert.Equal(firstAt, timing.RequestedAt);
        Assert.Equal(TimeSpan.FromSeconds(40), timing.Took);
    }

    [Fact]
    public async Task A_rollback_left_half_done_by_a_stopped_instance_is_finished_by_recovery_with_the_same_decision()
    {
        var deploy = new DeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync();
        var rollout = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        // What a crash right after the state change leaves: the rollout RollingBack, the decision Pending with where it went.
        var (decision, _) = await host.Database.Decisions.RecordAsync(new DecisionDraft(id, RolloutCommand.RollBack, "ic", "P95 regression", "rollback:crash", host.Time.GetUtcNow(),
            DecisionOutcome.Pending, "Running", null), Ct);
        Assert.True(await host.Database.Rollouts.TryChangeStateAsync(id, rollout.Version, new RolloutStateChange(RolloutStatus.RollingBack, 0, rollout.PhaseStartedAt, host.Time.GetUtcNow()), Ct));
        await host.Database.Decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Pending, null, null, null, null, "RollingBack at 1%"), Ct);
        var recovery = host.Get<ExecutionRecovery>();

        var tooEarly = await recovery.RecoverAsync(Ct);
        host.Time.Advance(recovery.PendingFor + TimeSpan.FromSeconds(1));
        var recovered = await recovery.RecoverAsync(Ct);
        var again = await recovery.RecoverAsync(Ct);

        Assert.Equal((0, 1, 0), (tooEarly, recovered, again));
        Assert.Equal(decision.Id, Assert.Single(deploy.Calls).DecisionId);
        Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        var done = (await host.Database.Decisions.GetAsync(decision.Id, Ct))!;
        Assert.Equal(DecisionOutcome.Executed, done.Outcome);
        Assert.Contains(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "rollout.rollback"), Ct),
            e => e.Reason!.Contains("carried out after the instance that took it stopped", StringComparison.Ordinal));
        Assert.Contains(host.Published.Latest!.Timeline, e => e.Kind == "rollback" && e.Outcome == nameof(DecisionOutcome.Executed));
    }

    [Fact]
    public async Task A_command_interrupted_before_anything_moved_is_recorded_as_refused_and_can_be_given_again()
    {
        var deploy = new DeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync();
        var (decision, _) = await host.Database.Decisions.RecordAsync(new DecisionDraft(id, RolloutCommand.Hold, "ic", "checking", "hold:crash", host.Time.GetUtcNow(),
            DecisionOutcome.Pending, "Running", null), Ct);
        var recovery = host.Get<ExecutionRecovery>();

        host.Time.Advance(recovery.PendingFor + TimeSpan.FromSeconds(1));
        await recovery.RecoverAsync(Ct);
        var again = await host.Commands.ExecuteAsync(Command(id, RolloutCommand.Hold, null, key: "hold:crash"), Ct);

        var interrupted = (await host.Database.Decisions.GetAsync(decision.Id, Ct))!;
        Assert.Equal(DecisionOutcome.Refused, interrupted.Outcome);
        Assert.Contains("interrupted", interrupted.Error);
        Assert.DoesNotContain(deploy.Calls, c => c.DecisionId == decision.Id);
        Assert.Equal(CommandStatus.Executed, again.Status);
    }

    [Fact]
    public async Task Fifty_people_clicking_hold_at_once_each_get_a_true_answer_and_every_one_is_audited()
    {
        var deploy = new DeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => host.Commands.ExecuteAsync(Command(id, i % 5 == 0 ? RolloutCommand.RollBack : RolloutCommand.Hold, 2, actor: RolloutTestHost.Person($"ic{i}", Roles.IncidentCommander)), Ct), Ct)));

        Assert.Single(results, r => r.Status == CommandStatus.Executed);
        Assert.All(results, r => Assert.True(r.Status is CommandStatus.Executed or CommandStatus.Duplicate or CommandStatus.Conflict, $"{r.Status}: {r.Message}"));
        Assert.DoesNotContain(results, r => r.Status == CommandStatus.Duplicate && !r.Message.Contains("already done", StringComparison.Ordinal) && !r.Message.Contains("still being carried out", StringComparison.Ordinal));
        Assert.Single(deploy.Calls);
        var audited = await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Limit: 500), Ct);
        Assert.Equal(50, audited.Count(e => e.Kind.StartsWith("rollout.hold", StringComparison.Ordinal) || e.Kind.StartsWith("rollout.rollback", StringComparison.Ordinal)));
    }
}

public sealed class SqliteCommandRobustnessTests() : CommandRobustnessTests(new SqliteEngine());

public sealed class PostgresCommandRobustnessTests(PostgresServer server) : CommandRobustnessTests(new PostgresEngine(server));
