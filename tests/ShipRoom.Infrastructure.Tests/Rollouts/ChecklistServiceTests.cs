using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public abstract class ChecklistServiceTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly CommandActor Security = RolloutTestHost.Person("sec", Roles.SecurityLead);

    private static async Task<long> ScheduledAsync(RolloutTestHost host)
    {
        var result = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings()), Ct);
        return result.RolloutId!.Value;
    }

    [Fact]
    public async Task Plan_checklists_are_copied_to_the_rollout_with_due_times_from_t0()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await ScheduledAsync(host);

        var snapshot = (await host.Snapshots.BuildAsync(id, Ct))!;

        Assert.Equal(["T-2h", "T-1h", "T-10", "T-0", "Post-success"], snapshot.Checklists.Select(c => c.Name));
        var security = snapshot.Checklists[1].Items.Single(i => i.Key == "t1h-security");
        Assert.Equal(("SecurityLead", new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero)), (security.OwnerRole, security.Due!.Value));
        Assert.Null(security.State);
        Assert.Null(snapshot.Checklists[^1].Items[0].Due);
    }

    [Fact]
    public async Task Creating_a_rollout_and_ticking_an_item_are_written_as_commands_the_polls_writes_wait_for()
    {
        // Someone waits for both: the polls' writes must go after them, not meet them at SQLite's write lock.
        var seen = new List<(string Action, int Commands)>();
        await using var host = await RolloutTestHost.CreateAsync(engine, services => services.AddSingleton<IAuditLog>(provider =>
            new CommandsSeenByTheAuditLog(new AuditLog(provider.GetRequiredService<IDbConnectionFactory>()), provider.GetRequiredService<IDbConnectionFactory>().Writes, seen)));
        var id = await host.StartRolloutAsync();
        var writes = host.Get<IDbConnectionFactory>().Writes;
        Assert.Equal(0, writes.CommandsInFlight);

        var ticked = await host.Get<ChecklistService>().TickAsync(id, "t1h-security", TickStates.Done, Security, null, Ct);

        Assert.Equal(CommandStatus.Executed, ticked.Status);
        Assert.Equal([("rollout.created", 1), ("rollout.start", 1), ("checklist.tick", 1)], seen);
        Assert.Equal(0, writes.CommandsInFlight);
    }

    private sealed class CommandsSeenByTheAuditLog(IAuditLog inner, WriteTurns writes, List<(string Action, int Commands)> seen) : IAuditLog
    {
        public Task<AuditEntry> AppendAsync(AuditEntryDraft draft, CancellationToken cancellationToken)
        {
            seen.Add((draft.Kind, writes.CommandsInFlight));
            return inner.AppendAsync(draft, cancellationToken);
        }

        public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<AuditChainVerification> VerifyChainAsync(CancellationToken cancellationToken) => inner.VerifyChainAsync(cancellationToken);
    }

    [Fact]
    public async Task Ticks_untick_and_not_applicable_are_recorded_with_who_and_when()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await ScheduledAsync(host);
        var service = host.Get<ChecklistService>();

        var done = await service.TickAsync(id, "t1h-security", TickStates.Done, Security, null, Ct);
        var undone = await service.TickAsync(id, "t1h-security", TickStates.Undone, Security, "signed off too early", Ct);
        var noReason = await service.TickAsync(id, "t10-pitr", TickStates.NotApplicable, Security, " ", Ct);
        var notApplicable = await service.TickAsync(id, "t10-pitr", TickStates.NotApplicable, Security, "no data migration in this release", Ct);

        Assert.Equal(CommandStatus.Executed, done.Status);
        Assert.Equal(CommandStatus.Executed, undone.Status);
        Assert.Equal((CommandStatus.Invalid, "an item can be marked not applicable only with a reason"), (noReason.Status, noReason.Message));
        Assert.Equal(CommandStatus.Executed, notApplicable.Status);
        var items = host.Published.Latest!.Checklists.SelectMany(c => c.Items).ToDictionary(i => i.Key);
        Assert.Equal((TickStates.Undone, "sec", "signed off too early"), (items["t1h-security"].State, items["t1h-security"].By, items["t1h-security"].Reason));
        Assert.True(items["t10-pitr"].IsClosed);
        Assert.Equal(3, (await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "checklist.tick"), Ct)).Count);
    }

    [Fact]
    public async Task A_viewer_cannot_tick()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await ScheduledAsync(host);

        var result = await host.Get<ChecklistService>().TickAsync(id, "t1h-security", TickStates.Done, RolloutTestHost.Person("v", Roles.Viewer), null, Ct);

        Assert.Equal(CommandStatus.Forbidden, result.Status);
    }

    [Fact]
    public async Task Phase_one_waits_for_the_preflight_unless_the_executive_starts_with_a_reason()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await ScheduledAsync(host);

        var releng = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Start, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "T-0"), Ct);
        var ceo = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Start, RolloutTestHost.Person("ceo", Roles.ExecutiveApprover), "dashboards verified by phone; start"), Ct);

        Assert.Equal(CommandStatus.Invalid, releng.Status);
        Assert.Contains("the T-1h pre-flight is not complete (9 open", releng.Message);
        Assert.Equal(CommandStatus.Executed, ceo.Status);
        Assert.Equal(RolloutStatus.Running, (await ceo.Published)!.Status);
        var start = (await host.Database.Decisions.ListAsync(id, 5, Ct)).First(d => d.Outcome == DecisionOutcome.Executed);
        Assert.Equal(("ceo", "dashboards verified by phone; start"), (start.Actor, start.Reason));
    }

    [Fact]
    public async Task With_the_preflight_complete_release_engineering_starts_phase_one()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await ScheduledAsync(host);
        var service = host.Get<ChecklistService>();
        foreach (var item in host.Published.Latest!.Checklists.SelectMany(c => c.Items).Where(i => i.Due is not null))
        {
            await service.TickAsync(id, item.Key, TickStates.Done, Security, null, Ct);
        }

        var result = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Start, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "T-0"), Ct);

        Assert.Equal(CommandStatus.Executed, result.Status);
    }
}

public sealed class SqliteChecklistServiceTests() : ChecklistServiceTests(new SqliteEngine());

public sealed class PostgresChecklistServiceTests(PostgresServer server) : ChecklistServiceTests(new PostgresEngine(server));
