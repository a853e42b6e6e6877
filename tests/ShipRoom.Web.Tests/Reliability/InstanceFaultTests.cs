using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using ShipRoom.Infrastructure.Tests.Probes;
using static ShipRoom.Web.Tests.Reliability.ShipRoomCluster;

namespace ShipRoom.Web.Tests.Reliability;

/// <summary>
/// Issue 18's faults, against real processes: two ShipRoom instances on one PostgreSQL, an instance killed with
/// SIGKILL while the deploy system hangs, PostgreSQL stopped under a token client. Figures go to
/// artifacts/test/reliability-figures.txt (docs/reliability.md quotes them).
/// </summary>
public sealed class InstanceFaultTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static string Status(JsonElement snapshot) => snapshot.GetProperty("status").GetString()!;

    [Fact]
    public async Task A_rollback_on_instance_A_reaches_the_API_and_hub_clients_of_instance_B_within_two_seconds()
    {
        await using var cluster = await ShipRoomCluster.StartAsync();
        var a = await cluster.StartInstanceAsync();
        var b = await cluster.StartInstanceAsync();
        var hubLatencies = new List<double>();
        var apiLatencies = new List<double>();

        for (var round = 0; round < 3; round++)
        {
            var id = await CreateRunningRolloutAsync(a);
            // B has been showing the rollout (its store holds a Running snapshot) before A changes it.
            Assert.Equal("running", Status(await SnapshotAsync(b, id)));
            var rolledBackOnB = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(b.Address, "/hubs/rollouts"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(cluster.Token))
                .Build();
            // Every update repeats the rollout's status beside what changed.
            hub.On<JsonElement>("RolloutUpdated", update =>
            {
                if (Status(update) == "rolledBack")
                {
                    rolledBackOnB.TrySetResult(Stopwatch.GetTimestamp());
                }
            });
            await hub.StartAsync(Ct);
            var subscribed = await hub.InvokeAsync<JsonElement>("Subscribe", id, Ct);
            Assert.Equal("running", Status(subscribed.GetProperty("snapshot")));

            var started = Stopwatch.GetTimestamp();
            using var rollback = await RollBackAsync(a, id, "error rate above 0.5%", Ct);
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
            var seenAt = 0L;
            await WaitUntilAsync(async () =>
            {
                var rolledBack = Status(await SnapshotAsync(b, id)) == "rolledBack";
                seenAt = rolledBack ? Stopwatch.GetTimestamp() : 0;
                return rolledBack;
            }, TimeSpan.FromSeconds(2), $"instance B's API showing A's rollback (round {round + 1})", everyMilliseconds: 20);
            var hubAt = await rolledBackOnB.Task.WaitAsync(TimeSpan.FromSeconds(2), Ct);
            apiLatencies.Add(Stopwatch.GetElapsedTime(started, seenAt).TotalMilliseconds);
            hubLatencies.Add(Stopwatch.GetElapsedTime(started, hubAt).TotalMilliseconds);
        }

        Record($"B shows A's rollback (from A's API call, which returns after the deploy call): API {string.Join(", ", apiLatencies.Select(l => $"{l:0} ms"))}; hub client {string.Join(", ", hubLatencies.Select(l => $"{l:0} ms"))}");
        Assert.All(hubLatencies, l => Assert.True(l < 2000, $"{l} ms"));
    }

    [Fact]
    public async Task An_instance_killed_during_the_deploy_call_is_restarted_and_the_pending_rollback_is_finished()
    {
        await using var deploySystem = new LocalEndpoint { Status = 202, DelayMilliseconds = 60_000 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["ShipRoom__Deploy__WebhookUrl"] = deploySystem.Url("deploy"),
            ["ShipRoom__Deploy__WebhookSecret"] = "reliability-webhook-secret",
            ["ShipRoom__Deploy__TimeoutSeconds"] = "5",
            ["ShipRoom__Deploy__Retries"] = "0",
        };
        var a = await cluster.StartInstanceAsync(settings);
        var id = await CreateRunningRolloutAsync(a);

        // The webhook receiver hangs; the instance dies while it waits (the state already says RollingBack).
        var pending = RollBackAsync(a, id, "checkout errors", CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref deploySystem.Requests) >= 1), TimeSpan.FromSeconds(5), "the rollback reaching the deploy system");
        await a.Process.KillAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
        deploySystem.DelayMilliseconds = 0;
        var killedAt = Stopwatch.GetTimestamp();

        var restarted = await cluster.RestartAsync(a);
        // Still RollingBack, unless recovery was already quicker than this request.
        Assert.Contains(Status(await SnapshotAsync(restarted, id)), new[] { "rollingBack", "rolledBack" });
        await WaitUntilAsync(async () => Status(await SnapshotAsync(restarted, id)) == "rolledBack", TimeSpan.FromSeconds(90), "the pending rollback being recovered", everyMilliseconds: 500);
        Record($"Killed with SIGKILL mid-deploy-call: rolled back {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s after the kill (restart included; recovery waits out the longest deploy call, here 20 s)");

        var hooks = deploySystem.Received.ToArray();
        Assert.Equal(2, hooks.Length);
        // The same decision both times: the deploy system can tell the retry from a new command.
        Assert.Equal(hooks[0].Headers["Idempotency-Key"], hooks[1].Headers["Idempotency-Key"]);
        var snapshot = await SnapshotAsync(restarted, id);
        Assert.Contains(snapshot.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "rollback" && e.GetProperty("outcome").GetString() == "Executed");
        // Not wedged: the rollout is finished and a new rollback is refused for that reason, not "already under way".
        using var again = await RollBackAsync(restarted, id, "again", Ct);
        Assert.DoesNotContain("under way", await again.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task With_PostgreSQL_stopped_a_token_client_still_rolls_back_and_the_decision_is_recorded_when_it_returns()
    {
        await using var deploySystem = new LocalEndpoint { Status = 202 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var a = await cluster.StartInstanceAsync(new Dictionary<string, string>
        {
            ["ShipRoom__Deploy__WebhookUrl"] = deploySystem.Url("deploy"),
            ["ShipRoom__Deploy__WebhookSecret"] = "reliability-webhook-secret",
        });
        var id = await CreateRunningRolloutAsync(a);
        Assert.Equal("running", Status(await SnapshotAsync(a, id)));

        await cluster.Postgres.StopAsync();
        var started = Stopwatch.GetTimestamp();
        using var rollback = await RollBackAsync(a, id, "payments failing, database down too", Ct);
        var took = Stopwatch.GetElapsedTime(started);
        var body = await rollback.Content.ReadAsStringAsync(Ct);
        Assert.True(rollback.StatusCode == HttpStatusCode.OK, $"{(int)rollback.StatusCode}: {body}\n{cluster.Output(a)}");
        Assert.Contains("database is unavailable", body);
        Assert.Single(deploySystem.Received);

        // A second rollback while the database is still away does not reach the deploy system again.
        using var second = await RollBackAsync(a, id, "again", Ct);
        Assert.Contains("already rolled back", await second.Content.ReadAsStringAsync(Ct));
        Assert.Single(deploySystem.Received);
        Record($"Rollback through the API with PostgreSQL stopped: answered in {took.TotalMilliseconds:0} ms (token from the outage cache, webhook acknowledged)");

        // The API says what happened, and that it is not written yet (not "running" until the database returns).
        var during = await SnapshotAsync(a, id);
        Assert.Equal("rolledBack", Status(during));
        Assert.True(during.GetProperty("unsaved").GetProperty("acknowledged").GetBoolean());

        await cluster.Postgres.StartAgainAsync();
        await WaitUntilAsync(async () =>
        {
            try
            {
                var snapshot = await SnapshotAsync(a, id);
                return Status(snapshot) == "rolledBack" && snapshot.GetProperty("unsaved").ValueKind == System.Text.Json.JsonValueKind.Null;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the offline rollback being recorded after PostgreSQL returned", everyMilliseconds: 500);
        var audit = await a.Http.GetStringAsync("/api/audit", Ct);
        Assert.Contains("recorded when it returned", audit);
    }

    [Fact]
    public async Task A_Prometheus_that_never_answers_costs_one_poll_its_deadline_and_other_rollouts_keep_being_polled()
    {
        // A stand-in Prometheus that accepts every query and answers after a minute.
        await using var prometheus = new LocalEndpoint { Status = 200, DelayMilliseconds = 60_000 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var a = await cluster.StartInstanceAsync(new Dictionary<string, string>
        {
            ["ShipRoom__Prometheus__BaseUrl"] = prometheus.Url(""),
            ["ShipRoom__Polling__MinPollDeadline"] = "00:00:02",
            ["ShipRoom__Polling__MaxPollDeadline"] = "00:00:03",
        });
        var slow = await CreateRunningRolloutAsync(a, "prometheus");
        // The first canary holds the infra lock: the second starts on the executive's override, as in production.
        var executive = await cluster.IssueTokenAsync("executive", "ReleaseEngineer", "ExecutiveApprover");
        using var executiveClient = new HttpClient { BaseAddress = a.Address };
        executiveClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", executive.Token);
        var healthy = await CreateRunningRolloutAsync(a, "simulator", executiveClient, "two sources compared side by side in this drill");

        // A rollout's first poll comes once a whole minute of samples exists; both are due at about the same moment.
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(Ct);
        Task<PollRunRow?> FinishedPollAsync(long id) =>
            connection.QueryFirstOrDefaultAsync<PollRunRow>(
                "SELECT started_at_ms AS Started, finished_at_ms AS Finished, problems AS Problems FROM poll_runs WHERE rollout_id = @id AND finished_at_ms IS NOT NULL ORDER BY id LIMIT 1", new { id });
        await WaitUntilAsync(async () => await FinishedPollAsync(slow) is not null && await FinishedPollAsync(healthy) is not null, TimeSpan.FromSeconds(120),
            "both rollouts' first polls ending", everyMilliseconds: 500);

        var slowPoll = (await FinishedPollAsync(slow))!;
        var healthyPoll = (await FinishedPollAsync(healthy))!;
        var slowTook = TimeSpan.FromMilliseconds(slowPoll.Finished - slowPoll.Started);
        Assert.True(slowTook < TimeSpan.FromSeconds(6), $"the slow poll took {slowTook.TotalSeconds:0.0} s against a deadline of 3 s");
        Assert.Contains("time limit", slowPoll.Problems ?? "");
        // The simulator rollout's poll was not held up by the slow source: it took no longer than a deadline either.
        Assert.True(healthyPoll.Finished - healthyPoll.Started < 6000, $"the simulator poll took {healthyPoll.Finished - healthyPoll.Started} ms");
        Assert.True(prometheus.Requests > 0, "the stand-in Prometheus was never asked");
        var snapshot = await SnapshotAsync(a, slow);
        Assert.Contains(snapshot.GetProperty("poll").GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("time limit", StringComparison.Ordinal));
        var polledIn = slowTook;
        Record($"Prometheus that sleeps 60 s, poll deadline 3 s: the slow rollout's poll ended as NO DATA after {polledIn.TotalSeconds:0.0} s; the simulator rollout's poll took {(healthyPoll.Finished - healthyPoll.Started) / 1000.0:0.0} s");
    }

    private sealed record PollRunRow(long Started, long Finished, string? Problems);
}
