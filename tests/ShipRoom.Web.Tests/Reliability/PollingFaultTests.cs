using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using ShipRoom.Infrastructure.Tests.Probes;
using static ShipRoom.Web.Tests.Reliability.ShipRoomCluster;

namespace ShipRoom.Web.Tests.Reliability;

/// <summary>
/// Polling under fire, against real processes: a Prometheus that answers garbage (HTML, broken JSON, 500), and the
/// instance that is polling killed with SIGKILL mid-poll while another instance runs beside it.
/// </summary>
public sealed class PollingFaultTests
{
    private const string EmptyMatrix = """{"status":"success","data":{"resultType":"matrix","result":[]}}""";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private sealed record PollRunRow(long Id, long Started, long? Finished, string Status, string? Problems);

    private static async Task<IReadOnlyList<PollRunRow>> PollRunsAsync(string connectionString, long rolloutId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return (await connection.QueryAsync<PollRunRow>(
            "SELECT id AS Id, started_at_ms AS Started, finished_at_ms AS Finished, status AS Status, problems AS Problems FROM poll_runs WHERE rollout_id = @rolloutId ORDER BY id",
            new { rolloutId })).ToList();
    }

    [Fact]
    public async Task A_Prometheus_answering_garbage_leaves_the_rollout_NO_DATA_with_the_source_named_and_rollback_still_works()
    {
        // Every read gets one of three garbage answers in turn: an HTML error page, JSON cut off mid-way, a 500.
        await using var prometheus = new LocalEndpoint
        {
            Answer = (n, _) => (n % 3) switch
            {
                0 => (200, "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"),
                1 => (200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[17"""),
                _ => (500, "upstream exploded"),
            },
        };
        await using var deploySystem = new LocalEndpoint { Status = 202 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var a = await cluster.StartInstanceAsync(new Dictionary<string, string>
        {
            ["ShipRoom__Prometheus__BaseUrl"] = prometheus.Url(""),
            ["ShipRoom__Prometheus__Retries"] = "0",
            ["ShipRoom__Deploy__WebhookUrl"] = deploySystem.Url("deploy"),
            ["ShipRoom__Deploy__WebhookSecret"] = "reliability-webhook-secret",
        });
        var id = await CreateRunningRolloutAsync(a, "prometheus");

        // A rollout's first poll comes once a whole minute of samples exists.
        PollRunRow? poll = null;
        await WaitUntilAsync(async () => (poll = (await PollRunsAsync(cluster.ConnectionString, id)).FirstOrDefault(r => r.Finished is not null)) is not null,
            TimeSpan.FromSeconds(150), "the first poll against the garbage Prometheus ending", everyMilliseconds: 500);

        Assert.Equal("Failed", poll!.Status);
        Assert.True(prometheus.Requests >= 3, $"only {prometheus.Requests} reads reached the stand-in");
        var problems = poll.Problems ?? "";
        Assert.Contains("Prometheus answered 200 with a body that is not JSON", problems);
        Assert.Contains("Prometheus answered 500", problems);
        Assert.DoesNotContain("Exception", problems);

        // The rollout says NO DATA and why; the process is alive and the rollback still reaches the deploy system. The
        // poll's record is written before the rollout is judged and its snapshot published: wait for the snapshot.
        await WaitUntilAsync(async () => (await SnapshotAsync(a, id)).TryGetProperty("poll", out var shown) && shown.ValueKind == JsonValueKind.Object &&
                shown.GetProperty("problems").EnumerateArray().Any(p => p.GetString()!.Contains("Prometheus answered", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the snapshot naming the garbage Prometheus", everyMilliseconds: 200);
        var listed = JsonDocument.Parse(await a.Http.GetStringAsync("/api/rollouts", Ct)).RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal("NO DATA", listed.GetProperty("overall").GetString());
        using var health = await a.Http.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var rollback = await RollBackAsync(a, id, "metrics blind: Prometheus answers garbage", Ct);
        Assert.True(rollback.StatusCode == HttpStatusCode.OK, $"{(int)rollback.StatusCode}: {await rollback.Content.ReadAsStringAsync(Ct)}");
        Assert.Single(deploySystem.Received);
        Assert.Equal("rolledBack", (await SnapshotAsync(a, id)).GetProperty("status").GetString());
        Record($"Prometheus answering HTML / broken JSON / 500: first poll ended Failed with {problems.Split('\n').Length} problems named (e.g. \"{problems.Split('\n')[0]}\"); rollout NO DATA; rollback answered 200");
    }

    [Fact]
    public async Task The_instance_killed_mid_poll_is_replaced_by_the_other_instance_polling()
    {
        // Each instance reads Prometheus under its own path, so the stand-in tells who is polling. Until the kill every
        // read hangs (the poll is under way for its whole 30 s deadline); afterwards reads answer at once.
        await using var prometheus = new LocalEndpoint { Status = 200, Body = EmptyMatrix, DelayMilliseconds = 120_000 };
        await using var cluster = await ShipRoomCluster.StartAsync();
        var a = await cluster.StartInstanceAsync(new Dictionary<string, string> { ["ShipRoom__Prometheus__BaseUrl"] = prometheus.Url("a/") });
        var b = await cluster.StartInstanceAsync(new Dictionary<string, string> { ["ShipRoom__Prometheus__BaseUrl"] = prometheus.Url("b/") });
        var id = await CreateRunningRolloutAsync(a, "prometheus");

        await WaitUntilAsync(() => Task.FromResult(!prometheus.Received.IsEmpty), TimeSpan.FromSeconds(150), "the first poll reaching Prometheus", everyMilliseconds: 50);
        var pollerPath = prometheus.Received.First().Path;
        var (victim, survivorPrefix) = pollerPath.StartsWith("/a/", StringComparison.Ordinal) ? (a, "/b/") : (b, "/a/");
        Assert.Contains(await PollRunsAsync(cluster.ConnectionString, id), r => r.Status == "Running");
        var survivorReadsBefore = prometheus.Received.Count(r => r.Path.StartsWith(survivorPrefix, StringComparison.Ordinal));

        await victim.Process.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var killedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        prometheus.DelayMilliseconds = 0;

        TimeSpan? firstRead = null;
        await WaitUntilAsync(() =>
        {
            firstRead ??= prometheus.Received.Count(r => r.Path.StartsWith(survivorPrefix, StringComparison.Ordinal)) > survivorReadsBefore ? Stopwatch.GetElapsedTime(killedAt) : null;
            return Task.FromResult(firstRead is not null);
        }, TimeSpan.FromSeconds(180), "the surviving instance reading Prometheus", everyMilliseconds: 50);
        PollRunRow? taken = null;
        await WaitUntilAsync(async () => (taken = (await PollRunsAsync(cluster.ConnectionString, id)).FirstOrDefault(r => r.Started > killedAtMs && r.Finished is not null)) is not null,
            TimeSpan.FromSeconds(60), "the surviving instance's poll ending", everyMilliseconds: 200);
        var finishedAfter = TimeSpan.FromMilliseconds(taken!.Finished!.Value - killedAtMs);

        Assert.Equal(0, survivorReadsBefore);
        Assert.NotEqual("Running", taken.Status);
        // The survivor serves the rollout (and is not wedged by the range the dead instance claimed).
        var survivor = ReferenceEquals(victim, a) ? b : a;
        Assert.Equal("running", (await SnapshotAsync(survivor, id)).GetProperty("status").GetString());
        Record($"Poller failover: the polling instance killed with SIGKILL mid-poll; the other instance read Prometheus {firstRead!.Value.TotalSeconds:0.0} s after the kill and finished a poll {finishedAfter.TotalSeconds:0.0} s after it");
    }
}
