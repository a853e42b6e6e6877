using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Freezes;

/// <summary>
/// Freezes a person declares, on SQLite and PostgreSQL: stored with no rollout beside the automatic kinds (migration
/// 0021), counted by every start (also of a rollout not created yet) unless the executive overrides, lifted early once
/// with a reason, audited; automatic windows are not lifted by hand, and only the allowed roles declare or lift.
/// </summary>
public abstract class DeclaredFreezeTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static CommandActor Releng { get; } = RolloutTestHost.Person("releng", Roles.ReleaseEngineer);

    private static CommandActor Ceo { get; } = RolloutTestHost.Person("ceo", Roles.ExecutiveApprover);

    [Fact]
    public async Task A_declared_freeze_is_stored_without_a_rollout_beside_the_automatic_kinds_and_lifted_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var repository = host.Get<IFreezeRepository>();
        var at = host.Time.GetUtcNow();
        var live = await host.StartRolloutAsync();
        Assert.True(await repository.AddAsync(live, FreezeKinds.InfraLock, "releng", "live", at, null, Ct));

        var first = await repository.DeclareAsync("releng", "launch weekend", at, at.AddDays(2), Ct);
        var second = await repository.DeclareAsync("ceo", "SOX audit", at.AddDays(3), at.AddDays(4), Ct);
        Assert.NotEqual(first.Id, second.Id); // many declared freezes: no rollout, so UNIQUE (rollout_id, kind) does not bind them
        Assert.Equal((null, FreezeKinds.Declared, "releng", "launch weekend", at, (DateTimeOffset?)at.AddDays(2)),
            (first.RolloutId, first.Kind, first.Owner, first.Reason, first.StartsAt, first.EndsAt));
        Assert.Equal(3, (await repository.ListSinceAsync(at.AddDays(-1), Ct)).Count);

        var liftAt = at.AddHours(5);
        Assert.True(await repository.LiftAsync(first.Id, "ceo", "launch moved", liftAt, Ct));
        Assert.False(await repository.LiftAsync(first.Id, "someone", "again", liftAt.AddMinutes(1), Ct));
        var lifted = (await repository.GetAsync(first.Id, Ct))!;
        Assert.Equal(((DateTimeOffset?)liftAt, "ceo", (DateTimeOffset?)liftAt, "launch moved"), (lifted.EndsAt, lifted.LiftedBy, lifted.LiftedAt, lifted.LiftReason));
        Assert.False(lifted.IsActiveAt(liftAt));

        // Not begun yet: it ends at its start, so it never opens. The automatic lock is not a declared freeze.
        Assert.True(await repository.LiftAsync(second.Id, "ceo", "audit cancelled", liftAt, Ct));
        Assert.Equal(second.StartsAt, (await repository.GetAsync(second.Id, Ct))!.EndsAt);
        var lockWindow = (await repository.ListSinceAsync(at.AddDays(-1), Ct)).Single(w => w.Kind == FreezeKinds.InfraLock);
        Assert.False(await repository.LiftAsync(lockWindow.Id, "ceo", "no", liftAt, Ct));
        Assert.Null((await repository.GetAsync(lockWindow.Id, Ct))!.EndsAt);
    }

    [Fact]
    public async Task Inside_a_declared_freeze_every_start_is_refused_unless_the_executive_overrides_and_the_lift_opens_it_again()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var service = host.Get<DeclaredFreezeService>();
        var freezes = host.Get<FreezeService>();
        var scheduled = (await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", Releng,
            new NewRolloutOptions("simulator", new RolloutSourceSettings()), Ct)).RolloutId!.Value;
        foreach (var item in (await host.Get<IChecklistRepository>().ListAsync(scheduled, Ct)).Where(i => i.DueOffsetMinutes <= -60))
        {
            await host.Get<ChecklistService>().TickAsync(scheduled, item.ItemKey, TickStates.Done, RolloutTestHost.Person("sec", Roles.SecurityLead), null, Ct);
        }

        var declared = await service.DeclareAsync(new FreezeDeclaration("  Black Friday\nweekend  ", null, host.Time.GetUtcNow().AddDays(3)), Releng.Name, Releng.Roles, Ct);
        Assert.Equal(FreezeCommandStatus.Executed, declared.Status);
        var freeze = declared.Freeze!;
        Assert.Equal(("Black Friday weekend", "releng", host.Time.GetUtcNow()), (freeze.Reason, freeze.Owner, freeze.StartsAt)); // trimmed, one line, starts now
        var audit = Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(Kind: "freeze.declared"), Ct));
        Assert.Equal(("releng", "Black Friday weekend", (long?)null), (audit.Actor, audit.Reason, audit.RolloutId));

        // A rollout not created yet (POST /api/rollouts with start: true) is refused too: the freeze belongs to no rollout.
        var notCreated = await freezes.RefuseStartAsync(null, "releng", [Roles.ReleaseEngineer], null, Ct);
        Assert.Contains($"deploy freeze {freeze.Id} declared by releng (Black Friday weekend;", notCreated);
        var refused = await host.Commands.ExecuteAsync(new CommandRequest(scheduled, RolloutCommand.Start, Ceo, "go"), Ct);
        Assert.Equal(CommandStatus.Invalid, refused.Status);
        Assert.Contains($"deploys are frozen: deploy freeze {freeze.Id}", refused.Message);

        // Lifted early: deploys may go again, and the lift is audited with its reason.
        host.Time.Advance(TimeSpan.FromHours(2));
        var lift = await service.LiftAsync(freeze.Id, "sale cancelled", Ceo.Name, Ceo.Roles, Ct);
        Assert.Equal(FreezeCommandStatus.Executed, lift.Status);
        Assert.Equal(host.Time.GetUtcNow(), lift.Freeze!.EndsAt);
        Assert.Equal("sale cancelled", Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(Kind: "freeze.lifted"), Ct)).Reason);
        Assert.Equal(FreezeCommandStatus.Conflict, (await service.LiftAsync(freeze.Id, "again", Ceo.Name, Ceo.Roles, Ct)).Status);
        Assert.Null(await freezes.RefuseStartAsync(null, "releng", [Roles.ReleaseEngineer], null, Ct));
        Assert.Equal(CommandStatus.Executed, (await host.Commands.ExecuteAsync(new CommandRequest(scheduled, RolloutCommand.Start, Ceo, "go"), Ct)).Status);
    }

    [Fact]
    public async Task Only_release_engineering_the_executive_and_admins_declare_and_automatic_windows_are_not_lifted_by_hand()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var service = host.Get<DeclaredFreezeService>();
        var end = host.Time.GetUtcNow().AddDays(1);
        foreach (var role in Roles.All)
        {
            var result = await service.DeclareAsync(new FreezeDeclaration("drill", null, end), "p", [role], Ct);
            var expected = role is Roles.ReleaseEngineer or Roles.ExecutiveApprover or Roles.Admin ? FreezeCommandStatus.Executed : FreezeCommandStatus.Forbidden;
            Assert.True(expected == result.Status, $"{role}: {result.Status} {result.Message}");
        }

        var one = (await host.Get<IFreezeRepository>().ListSinceAsync(host.Time.GetUtcNow().AddDays(-1), Ct)).First();
        Assert.Equal(FreezeCommandStatus.Forbidden, (await service.LiftAsync(one.Id, "mine now", RolloutTestHost.IncidentCommander.Name, RolloutTestHost.IncidentCommander.Roles, Ct)).Status);
        Assert.Equal(FreezeCommandStatus.Forbidden, (await service.DeclareAsync(new FreezeDeclaration("x", null, end), CommandActor.Automatic.Name, CommandActor.Automatic.Roles, Ct)).Status);

        var live = await host.StartRolloutAsync();
        var lockWindow = (await host.Get<FreezeService>().SyncAsync(Ct)).Windows.Single(w => w.RolloutId == live);
        var refused = await service.LiftAsync(lockWindow.Id, "in the way", Ceo.Name, Ceo.Roles, Ct);
        Assert.Equal(FreezeCommandStatus.Conflict, refused.Status);
        Assert.Contains($"infra lock of rollout {live}", refused.Message);
        Assert.Contains("not lifted by hand", refused.Message);
        Assert.Equal(FreezeCommandStatus.NotFound, (await service.LiftAsync(999_999, "gone", Ceo.Name, Ceo.Roles, Ct)).Status);
    }

    [Theory]
    [InlineData("", 0, 24, "reason")]
    [InlineData("   \n ", 0, 24, "reason")]
    [InlineData("x", -60, 24, "startsAt")]
    [InlineData("x", 0, null, "endsAt")]
    [InlineData("x", 5, 4, "endsAt")]
    [InlineData("x", 0, 14 * 24 + 1, "endsAt")]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored(string reason, int startHoursFromNow, int? endHoursFromNow, string field)
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var now = host.Time.GetUtcNow();
        var result = await host.Get<DeclaredFreezeService>().DeclareAsync(
            new FreezeDeclaration(reason, startHoursFromNow == 0 ? null : now.AddHours(startHoursFromNow), endHoursFromNow is { } h ? now.AddHours(h) : null), Releng.Name, Releng.Roles, Ct);
        Assert.Equal((FreezeCommandStatus.Invalid, field), (result.Status, result.Field));
        Assert.StartsWith(field, result.Message);
        Assert.Empty(await host.Get<IFreezeRepository>().ListSinceAsync(now.AddDays(-1), Ct));
    }

    [Fact]
    public async Task A_reason_longer_than_the_limit_is_refused_and_fourteen_days_exactly_is_allowed()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var service = host.Get<DeclaredFreezeService>();
        var now = host.Time.GetUtcNow();
        var tooLong = await service.DeclareAsync(new FreezeDeclaration(new string('a', DeclaredFreezeService.MaxReasonLength + 1), null, now.AddDays(1)), Releng.Name, Releng.Roles, Ct);
        Assert.Equal(("reason", "reason is longer than 500 characters"), (tooLong.Field, tooLong.Message));
        Assert.Equal(FreezeCommandStatus.Executed, (await service.DeclareAsync(new FreezeDeclaration("two weeks", null, now.AddDays(14)), Releng.Name, Releng.Roles, Ct)).Status);
    }

    [Fact]
    public async Task Migration_0021_keeps_the_windows_recorded_before_it()
    {
        await using var database = await engine.CreateAsync(migrate: false);
        // The migrations as they were before 0021, applied and given a rollout with its lock; then the rest.
        await database.MigrateBeforeAsync("0021", Ct);

        var at = RolloutTestHost.Start;
        var rollout = await database.Rollouts.CreateAsync(new NewRollout("checkout", "v1", new string('0', 40), "release: {}", "hash", RolloutStatus.Running, at, "simulator", "{}", 60, at, "releng", at), Ct);
        var repository = new FreezeRepository(database.Connections);
        Assert.True(await repository.AddAsync(rollout, FreezeKinds.InfraLock, "releng", "live", at, null, Ct));
        Assert.True(await repository.AddAsync(rollout, FreezeKinds.ChangeFreeze, "releng", "after GA", at, at.AddHours(24), Ct));
        var recorded = await RowsAsync(database);
        Assert.Equal(2, recorded.Count);

        Assert.Equal("0021_declared_freezes.sql", (await database.Migrations.MigrateAsync(Ct))[0]);
        Assert.Equal(recorded, await RowsAsync(database)); // same ids, rollouts, kinds, owners, reasons, times
        Assert.Equal(2, (await repository.ListSinceAsync(at.AddDays(-1), Ct)).Count);
        Assert.False(await repository.AddAsync(rollout, FreezeKinds.InfraLock, "someone", "again", at, null, Ct)); // still one per rollout and kind
        var declared = await repository.DeclareAsync("releng", "after the upgrade", at, at.AddHours(1), Ct);
        Assert.True(declared.Id > 2);
    }

    /// <summary>The columns 0012 made, read as text: what 0021 must carry over untouched.</summary>
    private static async Task<List<string>> RowsAsync(TestDatabase database)
    {
        await using var connection = await database.Connections.OpenAsync(Ct);
        var rows = await Dapper.SqlMapper.QueryAsync<(long Id, long? RolloutId, string Kind, string Owner, string Reason, long StartsAtMs, long? EndsAtMs)>(connection,
            "SELECT id, rollout_id, kind, owner, reason, starts_at_ms, ends_at_ms FROM freezes ORDER BY id");
        return rows.Select(r => r.ToString()).ToList();
    }
}

public sealed class SqliteDeclaredFreezeTests() : DeclaredFreezeTests(new SqliteEngine());

public sealed class PostgresDeclaredFreezeTests(PostgresServer server) : DeclaredFreezeTests(new PostgresEngine(server));
