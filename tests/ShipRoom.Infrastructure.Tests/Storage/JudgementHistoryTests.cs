using System.Data.Common;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>
/// Gate and trigger history keeps only changes, on both engines; on SQLite, where this instance is the only writer, a
/// judgement that changed nothing records nothing without opening a connection to find that out.
/// </summary>
public abstract class JudgementHistoryTests(IStorageEngine engine, bool onlyWriter)
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_changes_are_written_and_an_unchanged_judgement_opens_no_connection_where_this_instance_is_the_only_writer()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(Running(), Ct);
        var connections = new CountingConnections(db.Connections);
        var history = new JudgementHistoryRepository(connections);

        Task<int> Record(int minute, string gate, string trigger) => history.RecordChangesAsync(id,
            [new GateResultRecord(T.AddMinutes(minute), 0, "error-rate", gate, 0.2, 0.1, null), new GateResultRecord(T.AddMinutes(minute), 0, "latency", "PASS", 120, 118, null)],
            [new TriggerResultRecord(T.AddMinutes(minute), 0, "error-spike", trigger, 0, null)], Ct);

        Assert.Equal(3, await Record(1, "PASS", "Clear"));
        var opened = connections.Opened;
        Assert.Equal(0, await Record(2, "PASS", "Clear"));
        Assert.Equal(0, await Record(3, "PASS", "Clear"));
        Assert.Equal(onlyWriter ? opened : opened + 2, connections.Opened);

        Assert.Equal(1, await Record(4, "FAIL", "Clear"));
        Assert.Equal(1, await Record(5, "FAIL", "Firing"));
        Assert.Equal(2, await Record(6, "PASS", "Clear"));
        Assert.Equal(0, await Record(7, "PASS", "Clear"));

        var gates = await history.ListGatesAsync(id, Ct);
        Assert.Equal(["1 error-rate PASS", "1 latency PASS", "4 error-rate FAIL", "6 error-rate PASS"], gates.Select(g => $"{(g.At - T).TotalMinutes} {g.GateKey} {g.Status}"));
        var triggers = await history.ListTriggersAsync(id, Ct);
        Assert.Equal(["1 Clear", "5 Firing", "6 Clear"], triggers.Select(t => $"{(t.At - T).TotalMinutes} {t.State}"));
    }

    [Fact]
    public async Task A_new_instance_reads_what_was_recorded_before_it_and_writes_only_what_changed_since()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(Running(), Ct);
        GateResultRecord[] Gate(int minute, string status) => [new GateResultRecord(T.AddMinutes(minute), 0, "error-rate", status, 0.2, 0.1, null)];

        Assert.Equal(1, await new JudgementHistoryRepository(db.Connections).RecordChangesAsync(id, Gate(1, "FAIL"), [], Ct));
        var restarted = new JudgementHistoryRepository(db.Connections);
        Assert.Equal(0, await restarted.RecordChangesAsync(id, Gate(2, "FAIL"), [], Ct));
        Assert.Equal(1, await restarted.RecordChangesAsync(id, Gate(3, "PASS"), [], Ct));
        Assert.Equal(2, (await restarted.ListGatesAsync(id, Ct)).Count);
    }

    [Fact]
    public async Task Gates_without_data_and_more_gates_than_one_statement_holds_are_recorded_as_given()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(Running(), Ct);
        var history = new JudgementHistoryRepository(db.Connections);
        // 8,200 gates, 7 parameters each, are more than one statement may carry on SQLite (32,766; the test fails there
        // without the rows split); every third has no data (no values, as a NO DATA gate is recorded).
        var gates = Enumerable.Range(0, 8200).Select(i => new GateResultRecord(T, 0, $"gate-{i:0000}", i % 3 == 0 ? "NO DATA" : "PASS",
            i % 3 == 0 ? null : 0.5 + i, i % 3 == 0 ? null : 0.25, i % 3 == 0 ? null : $"canary {i}")).ToList();

        Assert.Equal(8201, await history.RecordChangesAsync(id, gates, [new TriggerResultRecord(T, 0, "error-spike", "Clear", 0, null)], Ct));

        var stored = (await history.ListGatesAsync(id, Ct)).ToDictionary(g => g.GateKey);
        Assert.Equal(8200, stored.Count);
        Assert.Equal(("NO DATA", (double?)null, (double?)null, (string?)null), (stored["gate-0300"].Status, stored["gate-0300"].Canary, stored["gate-0300"].Control, stored["gate-0300"].Detail));
        Assert.Equal(("PASS", (double?)1199.5, (double?)0.25, "canary 1199"), (stored["gate-1199"].Status, stored["gate-1199"].Canary, stored["gate-1199"].Control, stored["gate-1199"].Detail));
        Assert.Equal("NO DATA", stored["gate-8199"].Status);

        // Held or read again, the next judgement that moves one gate writes one row.
        gates[1199] = gates[1199] with { At = T.AddMinutes(1), Status = "FAIL" };
        Assert.Equal(1, await history.RecordChangesAsync(id, gates, [new TriggerResultRecord(T.AddMinutes(1), 0, "error-spike", "Clear", 0, null)], Ct));
        Assert.Equal(8201, (await history.ListGatesAsync(id, Ct)).Count);
        var restarted = new JudgementHistoryRepository(db.Connections);
        Assert.Equal(1, await restarted.RecordChangesAsync(id, [gates[0] with { At = T.AddMinutes(2), Status = "PASS", Canary = 0.5, Control = 0.25 }], [], Ct));
        Assert.Equal(["NO DATA", "PASS"], (await history.ListGatesAsync(id, Ct)).Where(g => g.GateKey == "gate-0000").Select(g => g.Status));
    }

    private static NewRollout Running() =>
        new("checkout v2", "v1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "release: {}", "plan-hash", RolloutStatus.Running, T, "simulator", "{}", 60, T, "alice", T);

    private sealed class CountingConnections(IDbConnectionFactory inner) : IDbConnectionFactory
    {
        public int Opened;

        public StorageProvider Provider => inner.Provider;

        public WriteTurns Writes => inner.Writes;

        public Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Opened);
            return inner.OpenAsync(cancellationToken);
        }
    }
}

public sealed class SqliteJudgementHistoryTests() : JudgementHistoryTests(new SqliteEngine(), onlyWriter: true);

public sealed class PostgresJudgementHistoryTests(PostgresServer server) : JudgementHistoryTests(new PostgresEngine(server), onlyWriter: false);
