using Dapper;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>Listings give each rollout its own plan's text; a live rollout's is read once and then held by the plan's content hash.</summary>
public abstract class RolloutPlanTextTests(IStorageEngine engine)
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_rollout_gets_its_own_plans_text_and_a_live_rollouts_plan_is_read_once()
    {
        await using var db = await engine.CreateAsync();
        var rollouts = new RolloutRepository(db.Connections);
        var ramp = await rollouts.CreateAsync(Rollout("ramp", "release: {name: ramp}", "hash-ramp"), Ct);
        var soak = await rollouts.CreateAsync(Rollout("soak", "release: {name: soak}", "hash-soak"), Ct);
        var rampAgain = await rollouts.CreateAsync(Rollout("ramp again", "release: {name: ramp}", "hash-ramp"), Ct);

        var live = (await rollouts.ListLiveAsync(Ct)).ToDictionary(r => r.Id, r => r.PlanYaml);
        Assert.Equal(("release: {name: ramp}", "release: {name: soak}", "release: {name: ramp}"), (live[ramp], live[soak], live[rampAgain]));
        Assert.Equal("release: {name: soak}", (await rollouts.GetAsync(soak, Ct))!.PlanYaml);

        // Held: the stored text is not read again for a plan already read (a hash names one text, so it cannot differ).
        await using (var connection = await db.Connections.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE rollouts SET plan_yaml = 'changed behind its back'");
        }

        Assert.All(await rollouts.ListLiveAsync(Ct), r => Assert.StartsWith("release: {name: ", r.PlanYaml));
        Assert.All(await rollouts.ListAsync(Ct), r => Assert.StartsWith("release: {name: ", r.PlanYaml));
        Assert.Equal("changed behind its back", (await new RolloutRepository(db.Connections).GetAsync(ramp, Ct))!.PlanYaml);
    }

    [Fact]
    public async Task More_plans_than_are_held_each_still_get_their_own_text()
    {
        await using var db = await engine.CreateAsync();
        var rollouts = new RolloutRepository(db.Connections);
        var plans = new Dictionary<long, string>();
        for (var i = 0; i < RolloutRepository.PlanTextsHeld + 44; i++)
        {
            var text = $"release: {{name: r{i}}}";
            plans[await rollouts.CreateAsync(Rollout($"r{i}", text, $"hash-{i}"), Ct)] = text;
        }

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(plans, (await rollouts.ListLiveAsync(Ct)).ToDictionary(r => r.Id, r => r.PlanYaml));
            Assert.Equal(plans, (await rollouts.ListAsync(Ct)).ToDictionary(r => r.Id, r => r.PlanYaml));
        }
    }

    private static NewRollout Rollout(string name, string planYaml, string planHash) =>
        new(name, "v1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", planYaml, planHash, RolloutStatus.Running, T, "simulator", "{}", 60, T, "alice", T);
}

public sealed class SqliteRolloutPlanTextTests() : RolloutPlanTextTests(new SqliteEngine());

public sealed class PostgresRolloutPlanTextTests(PostgresServer server) : RolloutPlanTextTests(new PostgresEngine(server));
