using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>The rollback button works when the metric source is down, and when the database is down too.</summary>
public sealed class StorageOutageTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private sealed class CountingExecutor : IDeployExecutor
    {
        public int Calls;

        public string Name => "counting";

        public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(ExecutorResult.Ok($"{action.Action} of {action.Release} acknowledged"));
        }
    }

    [Fact]
    public async Task With_the_metric_source_down_the_rollout_shows_no_data_and_still_rolls_back()
    {
        var executor = new CountingExecutor();
        // Prometheus is configured but nothing listens there: every read fails, every minute is NO DATA.
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine(), executor, new Dictionary<string, string?>
        {
            ["ShipRoom:Prometheus:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}",
            ["ShipRoom:Prometheus:Retries"] = "0",
            ["ShipRoom:Prometheus:TimeoutSeconds"] = "2",
        });
        var created = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Core.Security.Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Prometheus, new RolloutSourceSettings(), 1, TimeSpan.FromMinutes(5)), Ct);
        var id = created.RolloutId!.Value;

        var poll = await host.Poller.PollAsync(id, Ct);
        var result = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "metrics blind: rolling back to be safe"), Ct);

        Assert.NotEmpty(poll.Problems);
        Assert.Equal(Core.Evaluation.GateStatus.NoData, poll.Snapshot!.Verdict!.Overall);
        Assert.Equal(CommandStatus.Executed, result.Status);
        Assert.Equal(1, executor.Calls);
    }

    [Fact]
    public async Task With_postgres_stopped_the_rollback_runs_and_is_recorded_when_the_database_returns()
    {
        await using var postgres = await PostgresServer.StartPrivateAsync();
        var executor = new CountingExecutor();
        await using var host = await RolloutTestHost.CreateAsync(new PostgresEngine(postgres), executor);
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        await host.Poller.PollAsync(id, Ct);

        await postgres.StopAsync();
        // Part of a millisecond on the clock: storage keeps milliseconds, and the time shown in the outage must not differ.
        host.Time.Advance(TimeSpan.FromTicks(7_777));
        var result = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "DB outage and a bad canary", 2), Ct);
        var deferred = host.Get<DeferredRollbacks>();
        var shownInTheOutage = Assert.Single(deferred.Pending);
        var whileDown = await deferred.FlushAsync(Ct);

        Assert.Equal(CommandStatus.Executed, result.Status);
        Assert.Contains("the database is unavailable", result.Message);
        Assert.Equal(1, executor.Calls);
        Assert.Equal((0, 1), (whileDown, deferred.Count));

        await postgres.StartAgainAsync();
        var written = 0;
        for (var attempt = 0; attempt < 20 && written == 0; attempt++)
        {
            written = await deferred.FlushAsync(Ct);
            if (written == 0)
            {
                await Task.Delay(250, Ct);
            }
        }

        Assert.Equal(1, written);
        // Connections pooled before the outage are dead: the first read on each may fail once, as the flusher's did.
        RolloutRecord? rollout = null;
        for (var attempt = 0; attempt < 5 && rollout is null; attempt++)
        {
            try
            {
                rollout = await host.Database.Rollouts.GetAsync(id, Ct);
            }
            catch (Npgsql.NpgsqlException)
            {
            }
        }

        Assert.Equal(RolloutStatus.RolledBack, rollout!.Status);
        var decision = Assert.Single(await host.Database.Decisions.ListAsync(id, 10, Ct), d => d.Kind == RolloutCommand.RollBack);
        Assert.Equal(("ic", DecisionOutcome.Executed, "DB outage and a bad canary"), (decision.Actor, decision.Outcome, decision.Reason));
        Assert.Equal((shownInTheOutage.RequestedAt, shownInTheOutage.AcknowledgedAt), (decision.RequestedAt, decision.AcknowledgedAt));
        var audit = Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "rollout.rollback"), Ct));
        Assert.Contains("while the database was unavailable", audit.Summary);
        Assert.True((await host.Database.Audit.VerifyChainAsync(Ct)).IsIntact);
        Assert.Equal(0, await deferred.FlushAsync(Ct));
    }

    [Fact]
    public async Task An_unauthorised_rollback_in_an_outage_leaves_the_degraded_state_alone_and_the_heartbeat_clears_it_when_the_database_answers()
    {
        await using var postgres = await PostgresServer.StartPrivateAsync();
        var executor = new CountingExecutor();
        await using var host = await RolloutTestHost.CreateAsync(new PostgresEngine(postgres), executor);
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        await host.Poller.PollAsync(id, Ct);
        var reachability = host.Get<StorageReachability>();
        var heartbeat = host.Get<StorageHeartbeat>();

        await postgres.StopAsync();
        var viewer = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.Person("viewer", Core.Security.Roles.Viewer), "not mine to do"), Ct);
        Assert.Equal(CommandStatus.Forbidden, viewer.Status);
        Assert.True(reachability.IsReachable, "a caller who may not roll back raised the degraded banner");
        Assert.Equal(0, executor.Calls);

        var ic = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "DB outage and a bad canary", 2), Ct);
        Assert.Equal(CommandStatus.Executed, ic.Status);
        Assert.False(reachability.IsReachable);
        Assert.False(await heartbeat.CheckAsync(Ct));
        Assert.False(reachability.IsReachable);

        await postgres.StartAgainAsync();
        var reached = false;
        for (var attempt = 0; attempt < 40 && !reached; attempt++)
        {
            reached = await heartbeat.CheckAsync(Ct);
            if (!reached)
            {
                await Task.Delay(250, Ct);
            }
        }

        // Cleared by the heartbeat alone: the deferred rollback has not been written yet.
        Assert.True(reached);
        Assert.True(reachability.IsReachable);
        Assert.Equal(1, host.Get<DeferredRollbacks>().Count);
    }

    [Fact]
    public async Task A_rollout_on_an_unconfigured_prometheus_is_refused_before_it_starts_with_the_reason()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());

        var started = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Core.Security.Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Prometheus, new RolloutSourceSettings(), 1, TimeSpan.Zero), Ct);
        var scheduled = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Core.Security.Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Prometheus, new RolloutSourceSettings()), Ct);
        var start = await host.Commands.ExecuteAsync(new CommandRequest(scheduled.RolloutId!.Value, RolloutCommand.Start, RolloutTestHost.Person("ceo", Core.Security.Roles.ExecutiveApprover), "go"), Ct);

        Assert.False(started.Created);
        Assert.Contains("set ShipRoom:Prometheus:BaseUrl", started.Refusal);
        Assert.Equal(CommandStatus.Invalid, start.Status);
        Assert.Contains("the Prometheus metric source is not configured", start.Message);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
