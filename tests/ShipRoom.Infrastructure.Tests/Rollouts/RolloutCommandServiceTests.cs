using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public abstract class RolloutCommandServiceTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>The deploy system's side, as far as ShipRoom can see it: acknowledges, or fails, and counts calls.</summary>
    private sealed class ScriptedExecutor : IDeployExecutor
    {
        private int _calls;

        public bool Fail { get; set; }

        public int Calls => _calls;

        public string Name => "scripted";

        public async Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            return Fail ? ExecutorResult.Failed("deploy API answered 503") : ExecutorResult.Ok($"{action.Action} acknowledged");
        }
    }

    private static CommandRequest RollBack(long id, CommandActor actor, long? version = null) => new(id, RolloutCommand.RollBack, actor, "P95 regression on checkout", version);

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.ProductManager)]
    [InlineData(Roles.Admin)]
    public async Task Roles_without_the_permission_are_refused_and_the_refusal_is_audited(string role)
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();

        var result = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.Person("someone", role)), Ct);

        Assert.Equal(CommandStatus.Forbidden, result.Status);
        Assert.Contains("IncidentCommander", result.Message);
        Assert.Equal(RolloutStatus.Running, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "command.forbidden"), Ct));
    }

    [Fact]
    public async Task A_rollback_answers_with_the_state_it_stored_before_its_snapshot_reaches_the_viewers()
    {
        var executor = new ScriptedExecutor();
        await using var host = await RolloutTestHost.CreateAsync(engine, executor);
        var id = await host.StartRolloutAsync();
        var before = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        var viewersTold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Published.Held = viewersTold.Task;

        var result = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander), Ct);

        var stored = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        Assert.Equal((CommandStatus.Executed, RolloutStatus.RolledBack, stored.Version), (result.Status, result.RolloutStatus, result.RolloutVersion));
        Assert.Equal((RolloutStatus.RolledBack, before.Version + 2), (stored.Status, stored.Version));
        Assert.Equal(1, executor.Calls);
        Assert.False(result.Published.IsCompleted, "the answer waited for the viewers to be told");
        var pending = host.Get<Infrastructure.Rollouts.Snapshots.SnapshotRefresher>().Pending(id);
        Assert.False(pending.IsCompleted, "a reader of this rollout would not wait for the snapshot under way");
        viewersTold.SetResult();
        await pending.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var published = await result.Published.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal((RolloutStatus.RolledBack, stored.Version), (published!.Status, published.Version));
        Assert.Same(published, host.Published.Latest);
    }

    [Fact]
    public async Task A_rollback_whose_snapshot_cannot_be_published_is_still_carried_out_and_says_so()
    {
        var executor = new ScriptedExecutor();
        await using var host = await RolloutTestHost.CreateAsync(engine, executor);
        var id = await host.StartRolloutAsync();
        host.Published.Failure = new InvalidOperationException("the hub is gone");

        var result = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander), Ct);

        Assert.Equal((CommandStatus.Executed, RolloutStatus.RolledBack), (result.Status, result.RolloutStatus));
        Assert.Null(await result.Published.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(1, executor.Calls);
        Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
    }

    [Fact]
    public async Task The_incident_commander_rolls_back_and_the_decision_audit_and_snapshot_say_so()
    {
        var executor = new ScriptedExecutor();
        await using var host = await RolloutTestHost.CreateAsync(engine, executor);
        var id = await host.StartRolloutAsync();

        var result = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander, 2), Ct);

        Assert.Equal(CommandStatus.Executed, result.Status);
        Assert.Equal(1, executor.Calls);
        Assert.Equal(RolloutStatus.RolledBack, (await result.Published)!.Status);
        var decision = (await host.Database.Decisions.ListAsync(id, 10, Ct)).First();
        Assert.Equal((RolloutCommand.RollBack, "ic", DecisionOutcome.Executed, "RolledBack at 1%"), (decision.Kind, decision.Actor, decision.Outcome, decision.ToStatus));
        Assert.NotNull(decision.AcknowledgedAt);
        var audit = Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "rollout.rollback"), Ct));
        Assert.Equal(("ic", "Running at 1%", "RolledBack at 1%", "P95 regression on checkout"), (audit.Actor, audit.Before, audit.After, audit.Reason));
        Assert.Equal(TimeSpan.FromMinutes(2), (await result.Published)!.Rollback.Budget);
        Assert.True((await result.Published)!.Rollback.WithinBudget);
        Assert.Equal(host.Published.Latest!.Version, (await result.Published)!.Version);
    }

    [Fact]
    public async Task Two_people_clicking_roll_back_at_once_roll_back_once()
    {
        var executor = new ScriptedExecutor();
        await using var host = await RolloutTestHost.CreateAsync(engine, executor);
        var id = await host.StartRolloutAsync();

        var results = await Task.WhenAll(
            Task.Run(() => host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander, 2), Ct), Ct),
            Task.Run(() => host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), 2), Ct), Ct));

        Assert.Equal([CommandStatus.Executed, CommandStatus.Duplicate], results.Select(r => r.Status).Order());
        Assert.Contains("nothing was done twice", results.Single(r => r.Status == CommandStatus.Duplicate).Message);
        Assert.Equal(1, executor.Calls);
        Assert.Single(await host.Database.Decisions.ListAsync(id, 10, Ct), d => d.Kind == RolloutCommand.RollBack);
    }

    [Fact]
    public async Task Different_commands_at_the_same_moment_one_wins_and_the_other_is_told()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();

        var results = await Task.WhenAll(
            Task.Run(() => host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Hold, RolloutTestHost.IncidentCommander, "checking", 2), Ct), Ct),
            Task.Run(() => host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), 2), Ct), Ct));

        Assert.Single(results, r => r.Status == CommandStatus.Executed);
        var loser = Assert.Single(results, r => r.Status == CommandStatus.Conflict);
        Assert.Contains("Nothing was done", loser.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_command_against_a_stale_version_is_refused_with_what_happened_meanwhile()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Hold, RolloutTestHost.IncidentCommander, "checking", 2), Ct);

        var result = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "go", 2), Ct);

        Assert.Equal(CommandStatus.Conflict, result.Status);
        Assert.Contains("it is now held (Hold recorded — carry out by runbook (held at 1%) by ic", result.Message);
    }

    [Fact]
    public async Task An_executor_failure_is_recorded_shown_and_the_rollback_can_be_retried()
    {
        var executor = new ScriptedExecutor { Fail = true };
        await using var host = await RolloutTestHost.CreateAsync(engine, executor);
        var id = await host.StartRolloutAsync();

        var failed = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander, 2), Ct);

        Assert.Equal(CommandStatus.ExecutorFailed, failed.Status);
        Assert.Contains("deploy API answered 503", failed.Message);
        Assert.Equal((RolloutStatus.RollingBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Version), (failed.RolloutStatus, failed.RolloutVersion));
        var snapshot = (await failed.Published)!;
        Assert.Same(snapshot, host.Published.Latest);
        Assert.Equal(RolloutStatus.RollingBack, snapshot.Status);
        Assert.Equal("deploy API answered 503", snapshot.Rollback.Error);
        Assert.Contains(snapshot.Timeline, e => e.Outcome == nameof(DecisionOutcome.Failed) && e.Summary.Contains("executor failed", StringComparison.Ordinal));

        executor.Fail = false;
        var retried = await host.Commands.ExecuteAsync(RollBack(id, RolloutTestHost.IncidentCommander, snapshot.Version), Ct);

        Assert.Equal(CommandStatus.Executed, retried.Status);
        Assert.Equal(RolloutStatus.RolledBack, (await retried.Published)!.Status);
        Assert.Equal((await host.Database.Rollouts.GetAsync(id, Ct))!.Version, retried.RolloutVersion);
        Assert.Equal(2, executor.Calls);
    }

    [Fact]
    public async Task Advance_is_refused_until_the_engine_allows_it_with_the_reasons()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        await host.Poller.PollAsync(id, Ct);

        var early = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "ready"), Ct);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Poller.PollAsync(id, Ct);
        var onTime = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "gates green"), Ct);

        Assert.Equal(CommandStatus.Invalid, early.Status);
        Assert.Contains("0 of 15 minutes observed", early.Message);
        Assert.Equal(CommandStatus.Executed, onTime.Status);
        Assert.Equal(("10%", RolloutStatus.Running), ((await onTime.Published)!.CurrentPhase.Name, (await onTime.Published)!.Status));
    }

    [Fact]
    public async Task Only_the_executive_approves_and_a_reason_is_required()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();

        var ic = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Approve, RolloutTestHost.IncidentCommander, "fine"), Ct);
        var noReason = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Approve, RolloutTestHost.Person("ceo", Roles.ExecutiveApprover), "  "), Ct);
        var notWaiting = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Approve, RolloutTestHost.Person("ceo", Roles.ExecutiveApprover), "ok"), Ct);

        Assert.Equal(CommandStatus.Forbidden, ic.Status);
        Assert.Equal((CommandStatus.Invalid, "a reason is required"), (noReason.Status, noReason.Message));
        // At 1% no step waits for the executive: the plan's approval is for leaving 50%.
        Assert.Equal(CommandStatus.Invalid, notWaiting.Status);
        Assert.Contains("no step waiting for approval", notWaiting.Message);
    }
}

public sealed class SqliteRolloutCommandServiceTests() : RolloutCommandServiceTests(new SqliteEngine());

public sealed class PostgresRolloutCommandServiceTests(PostgresServer server) : RolloutCommandServiceTests(new PostgresEngine(server));
