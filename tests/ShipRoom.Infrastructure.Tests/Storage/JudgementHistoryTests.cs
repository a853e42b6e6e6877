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
        var id = await db.Rollouts.CreateAsync(new NewRollout("checkout v2", "v1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "release: {}", "plan-hash",
            RolloutStatus.Running, T, "simulator", "{}", 60, T, "alice", T), Ct);
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
        var id = await db.Rollouts.CreateAsync(new NewRollout("checkout v2", "v1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "release: {}", "plan-hash",
            RolloutStatus.Running, T, "simulator", "{}", 60, T, "alice", T), Ct);
        GateResultRecord[] Gate(int minute, string status) => [new GateResultRecord(T.AddMinutes(minute), 0, "error-rate", status, 0.2, 0.1, null)];

        Assert.Equal(1, await new JudgementHistoryRepository(db.Connections).RecordChangesAsync(id, Gate(1, "FAIL"), [], Ct));
        var restarted = new JudgementHistoryRepository(db.Connections);
        Assert.Equal(0, await restarted.RecordChangesAsync(id, Gate(2, "FAIL"), [], Ct));
        Assert.Equal(1, await restarted.RecordChangesAsync(id, Gate(3, "PASS"), [], Ct));
        Assert.Equal(2, (await restarted.ListGatesAsync(id, Ct)).Count);
    }

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
