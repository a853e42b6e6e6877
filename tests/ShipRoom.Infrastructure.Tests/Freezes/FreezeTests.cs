using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Freezes;

/// <summary>
/// Infra locks and change freezes on SQLite and PostgreSQL: a live canary locks, its rollback ends the lock, a rollout
/// completed at 100% freezes for the plan's settings.changeFreeze, and a start inside a window is refused unless the
/// executive approver overrides with a reason (audited).
/// </summary>
public abstract class FreezeTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static CommandActor Ceo { get; } = RolloutTestHost.Person("ceo", Roles.ExecutiveApprover);

    [Fact]
    public async Task Windows_are_stored_once_per_rollout_and_kind_and_a_lock_ends_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        var repository = host.Get<IFreezeRepository>();
        var at = host.Time.GetUtcNow();

        Assert.True(await repository.AddAsync(id, FreezeKinds.InfraLock, "releng", "live", at, null, Ct));
        Assert.False(await repository.AddAsync(id, FreezeKinds.InfraLock, "someone", "again", at, null, Ct));
        var windows = await repository.ListSinceAsync(at.AddDays(-1), Ct);
        Assert.Single(windows);
        Assert.True(await repository.EndAsync(id, FreezeKinds.InfraLock, at.AddMinutes(3), Ct));
        Assert.False(await repository.EndAsync(id, FreezeKinds.InfraLock, at.AddMinutes(4), Ct));
        Assert.Equal(at.AddMinutes(3), (await repository.ListSinceAsync(at.AddDays(-1), Ct)).Single().EndsAt);
    }

    [Fact]
    public async Task A_live_canary_holds_an_infra_lock_and_another_start_needs_the_executive_override_which_is_audited()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var live = await host.StartRolloutAsync();
        var scheduled = (await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions("simulator", new RolloutSourceSettings()), Ct)).RolloutId!.Value;

        var state = await host.Get<FreezeService>().SyncAsync(Ct);
        var lockWindow = Assert.Single(state.ActiveAt(host.Time.GetUtcNow()));
        Assert.Equal((live, FreezeKinds.InfraLock, "releng", (DateTimeOffset?)null), (lockWindow.RolloutId, lockWindow.Kind, lockWindow.Owner, lockWindow.EndsAt));

        foreach (var item in (await host.Get<IChecklistRepository>().ListAsync(scheduled, Ct)).Where(i => i.DueOffsetMinutes <= -60))
        {
            await host.Get<ChecklistService>().TickAsync(scheduled, item.ItemKey, TickStates.Done, RolloutTestHost.Person("sec", Roles.SecurityLead), null, Ct);
        }

        var refused = await host.Commands.ExecuteAsync(new CommandRequest(scheduled, RolloutCommand.Start, Ceo, "go"), Ct);
        var notExecutive = await host.Commands.ExecuteAsync(new CommandRequest(scheduled, RolloutCommand.Start, RolloutTestHost.Person("ic", Roles.IncidentCommander, Roles.ReleaseEngineer), "go")
            { FreezeOverride = "I say so" }, Ct);
        Assert.Equal(CommandStatus.Invalid, refused.Status);
        Assert.Contains($"deploys are frozen: infra lock of rollout {live} (owner releng", refused.Message);
        Assert.Equal(RolloutStatus.Scheduled, (await host.Database.Rollouts.GetAsync(scheduled, Ct))!.Status);
        Assert.Equal(2, (await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: scheduled, Kind: "freeze.start-refused"), Ct)).Count);

        var overridden = await host.Commands.ExecuteAsync(new CommandRequest(scheduled, RolloutCommand.Start, Ceo, "go") { FreezeOverride = "regulatory deadline today; the live canary is a different region" }, Ct);
        Assert.Equal(CommandStatus.Executed, overridden.Status);
        var audit = Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: scheduled, Kind: "freeze.overridden"), Ct));
        Assert.Equal(("ceo", "regulatory deadline today; the live canary is a different region"), (audit.Actor, audit.Reason));
        Assert.Contains($"infra lock of rollout {live}", audit.Summary);
    }

    [Fact]
    public async Task A_rollback_ends_the_lock_and_a_completion_at_100_percent_starts_the_plans_change_freeze()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var service = host.Get<FreezeService>();
        var rolledBack = await host.StartRolloutAsync();
        var completed = await host.StartRolloutAsync(plan: "directive-002-phased-canary-5-25-50-100.yaml");
        await service.SyncAsync(Ct);

        host.Time.Advance(TimeSpan.FromMinutes(7));
        var rollback = await host.Commands.ExecuteAsync(new CommandRequest(rolledBack, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "p95 regression"), Ct);
        Assert.Equal(CommandStatus.Executed, rollback.Status);
        // Completion at 100% as the state machine records it (the plan's 2 h stabilisation is not waited out here).
        var record = (await host.Database.Rollouts.GetAsync(completed, Ct))!;
        var completedAt = host.Time.GetUtcNow();
        Assert.True(await host.Database.Rollouts.TryChangeStateAsync(completed, record.Version, new RolloutStateChange(RolloutStatus.Completed, 3, record.PhaseStartedAt, completedAt), Ct));

        var state = await service.SyncAsync(Ct);
        var ended = state.Windows.Single(w => w.RolloutId == rolledBack);
        Assert.Equal(completedAt, ended.EndsAt); // the rollback moved the rollout at this same instant
        var open = state.ActiveAt(completedAt);
        var freeze = Assert.Single(open);
        Assert.Equal((completed, FreezeKinds.ChangeFreeze, completedAt, (DateTimeOffset?)completedAt.AddHours(24)), (freeze.RolloutId, freeze.Kind, freeze.StartsAt, freeze.EndsAt));
        Assert.Contains("non-critical change freeze after", freeze.Reason);
        Assert.Equal(completedAt, state.Windows.Single(w => w.RolloutId == completed && w.Kind == FreezeKinds.InfraLock).EndsAt);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: completed, Kind: "freeze.change.started"), Ct));

        // A second instance syncing finds everything recorded; the freeze is over after its 24 hours.
        await using var second = host.SecondInstance();
        Assert.Equal(3, (await second.Get<FreezeService>().SyncAsync(Ct)).Windows.Count);
        host.Time.Advance(TimeSpan.FromHours(24));
        Assert.Empty((await service.SyncAsync(Ct)).ActiveAt(host.Time.GetUtcNow()));
    }
}

public sealed class SqliteFreezeTests() : FreezeTests(new SqliteEngine());

public sealed class PostgresFreezeTests(PostgresServer server) : FreezeTests(new PostgresEngine(server));
