using System.Text.Json;
using ShipRoom.Core.Notifications;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// The cadence on the rollout's clock: the shipped fast plan (1% 15m → 10% 15m → 25% 15m → 50% 30m → 100%) runs on the
/// simulator through the real poller with auto-advance, two instances look for due posts every minute, and a receiver
/// on 127.0.0.1 stands in for the channel.
/// </summary>
public abstract class CadenceTests(IStorageEngine engine) : IAsyncDisposable
{
    private readonly ChatReceiver _chat = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _chat.DisposeAsync();

    private Dictionary<string, string?> Settings => _chat.Settings;

    private List<JsonElement> Posts(string kind) => _chat.Posts(kind);

    [Fact]
    public async Task The_fast_plan_gets_a_report_every_15_minutes_of_rollout_time_and_gate_results_for_every_phase()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings);
        await using var second = host.SecondInstance(Settings);
        var id = await host.StartRolloutAsync(autoAdvance: true);
        const int minutes = 95;
        for (var minute = 1; minute <= minutes; minute++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(1));
            await host.Poller.PollAsync(id, Ct);
            // Both instances look, as a restart or a second node would: the outbox keeps one post per slot.
            await ChatReceiver.SweepAsync(Ct, host, second);
        }

        var snapshot = (await host.Snapshots.BuildAsync(id, Ct))!;
        Assert.True(snapshot.PhaseIndex >= 4, $"the healthy demo should reach 100% within {minutes} minutes; it is at {snapshot.CurrentPhase.Name}");

        var reports = Posts(PostKinds.CadenceReport).Select(p => p.GetProperty("eventKey").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(1, minutes / 15).Select(slot => $"report:{id}:t+{slot * 15}").ToList(), reports);
        Assert.All(Posts(PostKinds.CadenceReport).Select(p => p.GetProperty("title").GetString()!).Zip(Enumerable.Range(1, minutes / 15)),
            pair => Assert.Contains($": T+{pair.Second * 15}m report", pair.First));

        var gates = Posts(PostKinds.GateResults);
        Assert.Equal([$"gates:{id}:0", $"gates:{id}:1", $"gates:{id}:2", $"gates:{id}:3"], gates.Select(g => g.GetProperty("eventKey").GetString()).ToList());
        Assert.Equal(["Gate results at 1%", "Gate results at 10%", "Gate results at 25%", "Gate results at 50%"],
            gates.Select(g => g.GetProperty("title").GetString()!.Split(':')[0]).ToList());
        // Each phase's own gates with their values, not the next phase's.
        Assert.All(gates, g => Assert.Contains("canary ", g.GetProperty("text").GetString()));
    }
}

public sealed class SqliteCadenceTests() : CadenceTests(new SqliteEngine());

public sealed class PostgresCadenceTests(PostgresServer server) : CadenceTests(new PostgresEngine(server));
