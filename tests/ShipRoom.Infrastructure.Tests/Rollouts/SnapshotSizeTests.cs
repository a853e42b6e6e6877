using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// The snapshot a viewer subscribes to does not grow with the phase's age: each gate carries its recent minutes, not
/// every minute since the phase began (issue 21: the verdict ≤ 50 KB whatever the phase age).
/// </summary>
public sealed class SnapshotSizeTests
{
    private const int MaxVerdictBytes = 50 * 1024;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Six_hours_into_a_phase_of_the_shipped_plan_each_gate_carries_its_last_15_minutes_and_the_verdict_stays_within_50_KB()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromHours(6));

        await host.Poller.PollAsync(id, Ct);

        var snapshot = host.Published.Latest!;
        Assert.Equal(id, snapshot.Id);
        var gates = snapshot.Verdict!.Gates;
        Assert.NotEmpty(gates);
        foreach (var gate in gates)
        {
            Assert.Equal(SnapshotBuilder.GateMinutesShown, gate.History.Count);
            Assert.Equal(gate.LatestMinute, gate.History[^1].Minute);
            Assert.Equal(Enumerable.Range(0, SnapshotBuilder.GateMinutesShown).Select(i => gate.History[0].Minute.AddMinutes(i)), gate.History.Select(m => m.Minute));
        }

        var verdictBytes = JsonSerializer.SerializeToUtf8Bytes(snapshot.Verdict, ShipRoomJson.Options).Length;
        Xunit.TestContext.Current.SendDiagnosticMessage($"verdict {verdictBytes} B, whole snapshot {JsonSerializer.SerializeToUtf8Bytes(snapshot, ShipRoomJson.Options).Length} B, 6 h into the phase");
        Assert.InRange(verdictBytes, 1, MaxVerdictBytes);
    }
}
