using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>
/// Production shape: two ShipRoom instances on one PostgreSQL, the Quartz store clustered. Both come up ready, the
/// scheduler polls on one of them per tick, and no range of a rollout is ever read twice.
/// </summary>
public sealed class PostgresClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _database = $"shiproom_cluster_{Guid.NewGuid():N}";
    private readonly List<ShipRoomAppFactory> _instances = [];

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await postgres.DropDatabaseAsync(_database);
    }

    private ShipRoomAppFactory Instance(string connectionString)
    {
        var instance = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = connectionString,
            ["ShipRoom:Polling:SchedulerTick"] = "00:00:01",
        });
        _instances.Add(instance);
        return instance;
    }

    private static async Task WaitUntilReadyAsync(ShipRoomAppFactory instance)
    {
        var client = instance.CreateClient();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 60 && status != HttpStatusCode.OK; attempt++)
        {
            status = (await client.GetAsync("/ready", Ct)).StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(250, Ct);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Two_instances_share_one_database_and_each_range_is_polled_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync(_database);
        var first = Instance(connectionString);
        var second = Instance(connectionString);

        await Task.WhenAll(WaitUntilReadyAsync(first), WaitUntilReadyAsync(second));

        // A rollout on a clock 60 times faster: a poll is due every wall-clock second on both schedulers.
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        var created = await first.Services.GetRequiredService<RolloutService>().CreateAsync(plan, "plan.yaml", new CommandActor("test", [], IsAutomatic: true),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(), 60, TimeSpan.FromMinutes(1)), Ct);
        var id = created.RolloutId!.Value;

        await using var connection = new NpgsqlConnection(connectionString);
        var runs = 0L;
        for (var attempt = 0; attempt < 120 && runs < 4; attempt++)
        {
            await Task.Delay(500, Ct);
            runs = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM poll_runs WHERE rollout_id = @id AND status <> 'Running'", new { id });
        }

        var overlapping = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM poll_runs a JOIN poll_runs b ON a.rollout_id = b.rollout_id AND a.id < b.id AND a.range_from_ms < b.range_to_ms AND b.range_from_ms < a.range_to_ms WHERE a.rollout_id = @id",
            new { id });
        var schedulers = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM qrtz_scheduler_state");

        Assert.True(runs >= 4, $"only {runs} polls ran");
        Assert.Equal(0, overlapping);
        Assert.Equal(2, schedulers);
    }
}
