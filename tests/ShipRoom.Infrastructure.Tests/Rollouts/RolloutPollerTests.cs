using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public abstract class RolloutPollerTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_poll_collects_every_metric_for_both_cohorts_and_each_journey()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));

        var outcome = await host.Poller.PollAsync(id, Ct);

        Assert.Equal(PollOutcomeKind.Polled, outcome.Kind);
        Assert.Empty(outcome.Problems);
        // 30 metrics, 3 of them with 4 journeys: 42 series per cohort, one sample a minute from an hour before the start.
        Assert.Equal(RolloutTestHost.Start.AddMinutes(-65), outcome.From);
        Assert.Equal(RolloutTestHost.Start, outcome.To);
        Assert.Equal(42 * 2 * 65, outcome.Samples);
        var snapshot = host.Published.Latest!;
        Assert.Equal(id, snapshot.Id);
        Assert.All(snapshot.Verdict!.Gates, g => Assert.Equal(GateStatus.Green, g.Status));
        Assert.Contains("5 of 15 minutes observed", snapshot.Verdict.Advance.Missing);
        Assert.NotNull(snapshot.Panels.SelectMany(p => p.Metrics).Single(m => m.Key == "p95_latency_ms").Canary);
    }

    [Fact]
    public async Task A_poll_after_forty_minutes_of_downtime_back_fills_the_forty_minutes()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        await host.Poller.PollAsync(id, Ct);

        host.Time.Advance(TimeSpan.FromMinutes(40));
        var outcome = await host.Poller.PollAsync(id, Ct);

        Assert.Equal((RolloutTestHost.Start, RolloutTestHost.Start.AddMinutes(40)), (outcome.From!.Value, outcome.To!.Value));
        var stored = await host.Database.Samples.ReadAsync(id, RolloutTestHost.Start, RolloutTestHost.Start.AddMinutes(40), Ct);
        var p95Canary = stored.Where(s => s.MetricKey == "p95_latency_ms" && s.Cohort == Cohort.Canary && s.Journey is null).ToList();
        Assert.Equal(40, p95Canary.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => RolloutTestHost.Start.AddMinutes(i)), p95Canary.Select(s => s.Time));
    }

    [Fact]
    public async Task Nothing_new_to_read_is_not_a_poll()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(1));
        await host.Poller.PollAsync(id, Ct);

        host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(PollOutcomeKind.NothingNew, (await host.Poller.PollAsync(id, Ct)).Kind);
    }

    [Fact]
    public async Task Only_live_rollouts_are_polled_and_only_when_due()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        Assert.Equal(1, await host.Poller.PollDueAsync(Ct));

        // The plan polls every minute: not due 30 s later, due (and polled) a minute later.
        host.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, await host.Poller.PollDueAsync(Ct));
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await host.Poller.PollDueAsync(Ct));

        await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "drill"), Ct);
        host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await host.Poller.PollDueAsync(Ct));
        Assert.Equal(PollOutcomeKind.NotLive, (await host.Poller.PollAsync(id, Ct)).Kind);
    }

    [Fact]
    public async Task Rollouts_polled_side_by_side_are_judged_one_at_a_time_on_SQLite_only()
    {
        // First polls are back-fills: as many side by side as polls, so only the judging turn can hold them apart.
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: new Dictionary<string, string?>
        {
            ["ShipRoom:Polling:ParallelPolls"] = "4",
            ["ShipRoom:Polling:ParallelBackfills"] = "4",
        });
        var ids = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5)));
        }

        var publishedBefore = host.Published.All.Count;
        // A slow publish keeps each judgement's turn long enough that judgements side by side would surely overlap.
        host.Published.Delay = TimeSpan.FromMilliseconds(200);

        Assert.Equal(8, await host.Poller.PollDueAsync(Ct));

        var sqlite = host.Database.Connections.Provider == StorageProvider.Sqlite;
        Assert.Equal(sqlite, host.Poller.JudgesOneAtATime);
        if (sqlite)
        {
            Assert.Equal(1, host.Poller.MostJudgingAtOnce);
        }
        else
        {
            Assert.True(host.Poller.MostJudgingAtOnce > 1, $"judged at most {host.Poller.MostJudgingAtOnce} at once on PostgreSQL");
        }

        // Every one of them was judged and its snapshot published all the same.
        Assert.Equal(ids.Order(), host.Published.All.Skip(publishedBefore).Select(s => s.Id).Order());
    }

    [Fact]
    public async Task A_poll_minutes_late_is_steady_and_one_after_forty_minutes_of_downtime_is_a_back_fill()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        var store = host.Get<PollStore>();
        Assert.True(host.Poller.IsBackfill((await store.GetAsync(id, Ct))!), "the first poll reads the hour before the start");
        await host.Poller.PollAsync(id, Ct);

        // The plan polls every minute: three minutes late is three intervals, but three minutes of samples.
        host.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.False(host.Poller.IsBackfill((await store.GetAsync(id, Ct))!));
        host.Time.Advance(TimeSpan.FromMinutes(37));
        Assert.True(host.Poller.IsBackfill((await store.GetAsync(id, Ct))!));
    }

    [Fact]
    public async Task Back_fills_take_turns_two_at_a_time_after_the_steady_polls_of_the_same_tick()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: new Dictionary<string, string?>
        {
            ["ShipRoom:Polling:ParallelPolls"] = "4",
            ["ShipRoom:Polling:ParallelBackfills"] = "2",
        });
        var fresh = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            fresh.Add(await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5)));
        }

        // Created last, polled once: due again a minute later as steady polls, behind six first polls in the list.
        var steady = new List<long> { await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5)), await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5)) };
        foreach (var id in steady)
        {
            await host.Poller.PollAsync(id, Ct);
        }

        host.Time.Advance(TimeSpan.FromSeconds(61));
        var live = await host.Get<PollStore>().ListLiveAsync(Ct);
        Assert.Equal(fresh.Order(), live.Where(host.Poller.IsBackfill).Select(r => r.Id).Order());
        var publishedBefore = host.Published.All.Count;
        // A slow publish keeps each poll going long enough that back-fills side by side would surely overlap.
        host.Published.Delay = TimeSpan.FromMilliseconds(150);

        Assert.Equal(8, await host.Poller.PollDueAsync(Ct));

        Assert.Equal(2, host.Poller.MostBackfillingAtOnce);
        var order = host.Published.All.Skip(publishedBefore).Select(s => s.Id).ToList();
        Assert.Equal(fresh.Concat(steady).Order(), order.Order());
        // The steady polls started first and are quick: no back-fill's turn came before both were done but two.
        Assert.All(steady, id => Assert.True(order.IndexOf(id) < 4, $"steady rollout {id} published {order.IndexOf(id) + 1}th of {string.Join(", ", order)}"));
    }

    [Fact]
    public async Task A_command_waiting_for_the_deploy_system_holds_up_no_other_rollouts_judgement()
    {
        var deploy = new HeldDeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        // Payments fail from the first phase: E2E < 99.5% for 5 minutes rolls back.
        var failing = await host.StartRolloutAsync("payment-failures", 0);
        var other = await host.StartRolloutAsync();
        await host.Poller.PollAsync(failing, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await host.Poller.PollAsync(other, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        host.Time.Advance(TimeSpan.FromMinutes(6));

        var rollingBack = host.Poller.PollAsync(failing, Ct);
        try
        {
            await deploy.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

            // The automatic rollback waits for the deploy system; the other rollout is polled and judged meanwhile.
            var outcome = await host.Poller.PollAsync(other, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(PollOutcomeKind.Polled, outcome.Kind);
            Assert.Equal(other, outcome.Snapshot!.Id);
            Assert.False(rollingBack.IsCompleted);
        }
        finally
        {
            deploy.Release.TrySetResult();
        }

        await rollingBack.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(Core.Rollouts.RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(failing, Ct))!.Status);
    }

    /// <summary>A deploy system that answers only when the test lets it.</summary>
    private sealed class HeldDeploySystem : global::ShipRoom.Infrastructure.Deploy.IDeployExecutor
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "held-deploy-system";

        public async Task<global::ShipRoom.Infrastructure.Deploy.ExecutorResult> ExecuteAsync(global::ShipRoom.Infrastructure.Deploy.DeployAction action, CancellationToken cancellationToken)
        {
            Reached.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return global::ShipRoom.Infrastructure.Deploy.ExecutorResult.Ok($"{action.Action} acknowledged");
        }
    }

    [Fact]
    public async Task Two_instances_polling_the_same_tick_read_the_range_once()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        await using var other = host.SecondInstance();
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(10));

        var polled = await Task.WhenAll(host.Poller.PollDueAsync(Ct), other.Poller.PollDueAsync(Ct));

        Assert.Equal(1, polled.Sum());
        var runs = await host.Database.PollRuns.ListRecentAsync(id, 10, Ct);
        Assert.Single(runs);
    }

    [Fact]
    public async Task A_fired_rollback_trigger_rolls_back_automatically_through_the_command_path()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        // Payments fail from the first phase: E2E < 99.5% for 5 minutes rolls back.
        var id = await host.StartRolloutAsync("payment-failures", 0);
        await host.Poller.PollAsync(id, Ct);

        host.Time.Advance(TimeSpan.FromMinutes(6));
        await host.Poller.PollAsync(id, Ct);

        var rollout = await host.Database.Rollouts.GetAsync(id, Ct);
        Assert.Equal(Core.Rollouts.RolloutStatus.RolledBack, rollout!.Status);
        var decision = (await host.Database.Decisions.ListAsync(id, 10, Ct)).First(d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal(("ShipRoom (automatic)", DecisionOutcome.Executed), (decision.Actor, decision.Outcome));
        Assert.True(decision.Reason!.Contains("trigger Payments E2E < 99.5% for 5 minutes: FIRED at 10:04 UTC", StringComparison.Ordinal), decision.Reason);
        // No deploy system is configured here: the rollback is recorded, and nothing was acknowledged or measured.
        Assert.NotNull(decision.ExecutedAt);
        Assert.Null(decision.AcknowledgedAt);
        var audit = await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "rollout.rollback"), Ct);
        Assert.Equal("ShipRoom (automatic)", Assert.Single(audit).Actor);

        // The next poll sees the same fired trigger: it never rolls back twice.
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Poller.PollAsync(id, Ct);
        Assert.Single(await host.Database.Decisions.ListAsync(id, 10, Ct), d => d.Kind == RolloutCommand.RollBack);
    }
}

public sealed class SqliteRolloutPollerTests() : RolloutPollerTests(new SqliteEngine());

public sealed class PostgresRolloutPollerTests(PostgresServer server) : RolloutPollerTests(new PostgresEngine(server));
