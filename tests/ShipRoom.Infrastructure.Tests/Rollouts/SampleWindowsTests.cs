using Dapper;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// A poll reads from storage only the minutes stored since the rollout was last judged, and judges exactly what a
/// whole read would give (same samples, same order) on both engines.
/// </summary>
public abstract class SampleWindowsTests(IStorageEngine engine)
{
    protected static readonly DateTimeOffset T = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    /// <summary>Every test's samples end before this: none of them changes any more.</summary>
    private static readonly DateTimeOffset Polled = T.AddHours(2);

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_next_poll_reads_only_the_new_minutes_and_sees_what_a_whole_read_sees()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var counting = new CountingSamples(db.Samples);
        var windows = new SampleWindows(counting);
        await db.Samples.UpsertAsync(id, Minutes(0, 60), Ct);

        var first = await windows.ReadAsync(id, T, T.AddMinutes(60), Polled, Ct);
        Assert.Equal(60 * 4, first.Count);
        Assert.Equal(60 * 4, counting.Returned);

        // The next poll stores minutes 60-64 and the window starts 2 minutes later (the phase moved on).
        await db.Samples.UpsertAsync(id, Minutes(60, 65), Ct);
        var second = await windows.ReadAsync(id, T.AddMinutes(2), T.AddMinutes(65), Polled, Ct);

        Assert.Equal(60 * 4 + 5 * 4, counting.Returned);
        Assert.Equal(Text(await db.Samples.ReadAsync(id, T.AddMinutes(2), T.AddMinutes(65), Ct)), Text(second));
        Assert.Equal((1, 63L * 4), (windows.Count, windows.KeptSamples));

        // Judged again with nothing new (a command's check right after the poll): nothing is read.
        Assert.Equal(Text(second), Text(await windows.ReadAsync(id, T.AddMinutes(2), T.AddMinutes(65), Polled, Ct)));
        Assert.Equal(60 * 4 + 5 * 4, counting.Returned);
    }

    [Fact]
    public async Task A_window_starting_before_the_kept_one_or_ending_before_it_is_read_whole()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var counting = new CountingSamples(db.Samples);
        var windows = new SampleWindows(counting);
        await db.Samples.UpsertAsync(id, Minutes(0, 30), Ct);
        await windows.ReadAsync(id, T.AddMinutes(10), T.AddMinutes(30), Polled, Ct);

        var earlier = await windows.ReadAsync(id, T, T.AddMinutes(30), Polled, Ct);
        Assert.Equal(20 * 4 + 30 * 4, counting.Returned);
        Assert.Equal(30 * 4, earlier.Count);

        var shorter = await windows.ReadAsync(id, T, T.AddMinutes(20), Polled, Ct);
        Assert.Equal(20 * 4 + 30 * 4 + 20 * 4, counting.Returned);
        Assert.Equal(Text(await db.Samples.ReadAsync(id, T, T.AddMinutes(20), Ct)), Text(shorter));

        // The window reaching further stays kept.
        Assert.Equal(30L * 4, windows.KeptSamples);
    }

    [Fact]
    public async Task A_slower_poll_of_an_overlapping_range_rewrites_no_minute_a_kept_window_holds()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var windows = new SampleWindows(db.Samples);

        // Two instances claimed [0, 10) and [0, 8) of one rollout; the first stored and marked its range first.
        Assert.Equal(10 * 4, await db.Samples.StorePollAsync(id, Minutes(0, 10), T.AddMinutes(10), Ct));
        var marked = (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo;
        Assert.Equal(T.AddMinutes(10), marked);
        var kept = Text(await windows.ReadAsync(id, T, T.AddMinutes(10), marked, Ct));
        Assert.True(windows.Holds(id));

        // The slower one read other values (a late scrape): nothing of it is below the mark, so nothing is stored, and the
        // mark does not go back.
        Assert.Equal(0, await db.Samples.StorePollAsync(id, Minutes(0, 8, late: 1000), T.AddMinutes(8), Ct));
        Assert.Equal(T.AddMinutes(10), (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo);
        Assert.Equal(kept, Text(await db.Samples.ReadAsync(id, T, T.AddMinutes(10), Ct)));

        // One reaching further stores only its minutes from the mark on, and the kept window plus them is a whole read.
        Assert.Equal(2 * 4, await db.Samples.StorePollAsync(id, Minutes(5, 12, late: 1000), T.AddMinutes(12), Ct));
        Assert.Equal(
            Text(await db.Samples.ReadAsync(id, T, T.AddMinutes(12), Ct)),
            Text(await windows.ReadAsync(id, T, T.AddMinutes(12), T.AddMinutes(12), Ct)));
    }

    [Fact]
    public async Task Overlapping_polls_given_at_once_never_change_a_minute_below_a_mark_once_read()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(DateTimeOffset Mark, string Samples)>();
        for (var round = 0; round < 12; round++)
        {
            // Each round two instances claim ranges from the same start, one reaching a minute further, and read their
            // own values; meanwhile a judgement reads the mark and the window below it, as SampleWindows would keep it.
            var from = round * 5;
            var first = db.Samples.StorePollAsync(id, Minutes(from, from + 5), T.AddMinutes(from + 5), Ct);
            var second = db.Samples.StorePollAsync(id, Minutes(from, from + 6, late: 1000 * (round + 1)), T.AddMinutes(from + 6), Ct);
            var judging = Task.Run(async () =>
            {
                for (var read = 0; read < 4; read++)
                {
                    if ((await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo is { } mark)
                    {
                        seen.Add((mark, Text(await db.Samples.ReadAsync(id, T, mark, Ct))));
                    }
                }
            }, Ct);
            await Task.WhenAll(first, second, judging);
        }

        Assert.NotEmpty(seen);
        foreach (var (mark, samples) in seen)
        {
            Assert.Equal(Text(await db.Samples.ReadAsync(id, T, mark, Ct)), samples);
        }

        Assert.Equal(T.AddMinutes(11 * 5 + 6), (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo);
    }

    [Fact]
    public async Task Nothing_is_kept_that_a_poll_may_still_write()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var windows = new SampleWindows(db.Samples);

        // Judged before the first poll (a start's snapshot): the poll back-fills the hour before, so nothing is kept.
        Assert.Empty(await windows.ReadAsync(id, T.AddMinutes(-60), T, polledTo: null, Ct));
        Assert.Equal(0, windows.Count);

        // Judged up to the poll's mark: kept; reaching past it (minutes the next poll writes): not kept.
        await db.Samples.UpsertAsync(id, Minutes(-60, 0), Ct);
        await windows.ReadAsync(id, T.AddMinutes(-60), T.AddMinutes(1), polledTo: T, Ct);
        Assert.Equal(0, windows.Count);
        Assert.Equal(60 * 4, (await windows.ReadAsync(id, T.AddMinutes(-60), T, polledTo: T, Ct)).Count);
        Assert.Equal(1, windows.Count);
    }

    [Fact]
    public async Task A_finished_rollout_is_forgotten_and_the_least_recently_used_make_room()
    {
        await using var db = await engine.CreateAsync();
        var (a, b, c) = (await db.Rollouts.CreateAsync(NewRollout("a"), Ct), await db.Rollouts.CreateAsync(NewRollout("b"), Ct), await db.Rollouts.CreateAsync(NewRollout("c"), Ct));
        foreach (var id in new[] { a, b, c })
        {
            await db.Samples.UpsertAsync(id, Minutes(0, 10), Ct);
        }

        var windows = new SampleWindows(db.Samples, maxSamples: 100);
        await windows.ReadAsync(a, T, T.AddMinutes(10), Polled, Ct);
        await windows.ReadAsync(b, T, T.AddMinutes(10), Polled, Ct);
        Assert.Equal((2, 80L), (windows.Count, windows.KeptSamples));

        await windows.ReadAsync(c, T, T.AddMinutes(10), Polled, Ct); // 120 > 100: a, used longest ago, goes
        Assert.Equal((2, 80L), (windows.Count, windows.KeptSamples));
        Assert.Equal((false, true, true), (windows.Holds(a), windows.Holds(b), windows.Holds(c)));

        windows.Forget(b);
        Assert.Equal((1, 40L), (windows.Count, windows.KeptSamples));

        var tooLong = await windows.ReadAsync(a, T, T.AddMinutes(10), Polled, Ct);
        Assert.Equal(40, tooLong.Count);
        Assert.Equal((2, 80L), (windows.Count, windows.KeptSamples));
    }

    /// <summary>Two series a minute, one with a journey, and a NO DATA minute now and then: 4 samples a minute.</summary>
    /// <summary><paramref name="late"/> shifts every value, as a later read of the same minutes may.</summary>
    protected static List<MetricSample> Minutes(int from, int to, double late = 0)
    {
        var samples = new List<MetricSample>();
        for (var minute = from; minute < to; minute++)
        {
            var at = T.AddMinutes(minute);
            samples.Add(new MetricSample("p95_latency_ms", Cohort.Control, null, at, late + 100 + minute));
            samples.Add(new MetricSample("p95_latency_ms", Cohort.Canary, null, at, minute % 7 == 0 ? double.NaN : late + 101 + minute));
            samples.Add(new MetricSample("error_rate", Cohort.Canary, "checkout", at, late + 0.001 * minute));
            samples.Add(new MetricSample("error_rate", Cohort.Control, "checkout", at, late + 0.002));
        }

        return samples;
    }

    private static string Text(IEnumerable<MetricSample> samples) => string.Join('\n', samples.Select(s => $"{s.Time:O} {s.MetricKey} {s.Cohort} {s.Journey} {s.Value:R}"));

    protected static NewRollout NewRollout(string name = "checkout v2") =>
        new(name, "v20261125.1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "release: {}", "plan-hash", RolloutStatus.Running, T, "simulator", "{\"scenario\":\"healthy\"}", 60, T, "alice", T);

    /// <summary>The real repository, counting the samples it hands back.</summary>
    private sealed class CountingSamples(ISampleRepository inner) : ISampleRepository
    {
        public int Returned { get; private set; }

        public Task<int> StorePollAsync(long rolloutId, IReadOnlyList<MetricSample> samples, DateTimeOffset? polledTo, CancellationToken cancellationToken) =>
            inner.StorePollAsync(rolloutId, samples, polledTo, cancellationToken);

        public async Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(rolloutId, from, to, cancellationToken);
            Returned += read.Count;
            return read;
        }

        public Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken) => inner.LatestSampleTimeAsync(rolloutId, cancellationToken);
    }
}

public sealed class SqliteSampleWindowsTests() : SampleWindowsTests(new SqliteEngine());

public sealed class PostgresSampleWindowsTests(PostgresServer server) : SampleWindowsTests(new PostgresEngine(server))
{
    [Fact]
    public async Task A_poll_write_waits_for_the_rollouts_lock_and_then_stores_only_from_the_mark_its_holder_left()
    {
        await using var db = await new PostgresEngine(server).CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        // Another instance's poll write holds the rollout's lock, as StorePollAsync takes it.
        await using var other = await db.Connections.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@kind, @rollout)",
            new { kind = SampleRepository.PostgresSampleWriteLock, rollout = (int)id }, transaction, cancellationToken: Ct));

        var write = db.Samples.StorePollAsync(id, Minutes(0, 10), T.AddMinutes(10), Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        Assert.False(write.IsCompleted, "the write went on while another poll write of the rollout held its lock");

        // The other write marks minutes 0-5 polled and commits: this one then finds that mark.
        await other.ExecuteAsync(new CommandDefinition("UPDATE rollouts SET last_polled_to_ms = @mark WHERE id = @id",
            new { id, mark = T.AddMinutes(6).ToUnixTimeMilliseconds() }, transaction, cancellationToken: Ct));
        await transaction.CommitAsync(Ct);

        Assert.Equal(4 * 4, await write.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(4 * 4, (await db.Samples.ReadAsync(id, T, T.AddMinutes(10), Ct)).Count);
        Assert.Equal(T.AddMinutes(10), (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo);
    }

    [Fact]
    public async Task A_back_fill_gives_way_before_its_statements_to_a_command_given_after_it_began()
    {
        await using var db = await new PostgresEngine(server).CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(60), singleWriter: false);
        var samples = new SampleRepository(new WithTurns(db.Connections, turns));
        var backFill = Minutes(0, 1000);
        Assert.True(backFill.Count > 3 * SampleRepository.PostgresRowsPerStatement);

        // The write is held at the rollout's lock, past its first wait for commands; a rollback is given; then the lock
        // goes. The write yields before each statement, the first one included: this sees the first (the same call as
        // the others), and that the write does not go on while the command lasts.
        await using var other = await db.Connections.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@kind, @rollout)",
            new { kind = SampleRepository.PostgresSampleWriteLock, rollout = (int)id }, transaction, cancellationToken: Ct));
        var write = samples.StorePollAsync(id, backFill, T.AddMinutes(1000), Ct);
        await WaitForTheRolloutsLockAsync(db, id, granted: false);
        var rollback = turns.Command();
        await transaction.CommitAsync(Ct);
        await WaitForTheRolloutsLockAsync(db, id, granted: true);

        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.False(write.IsCompleted, "the back-fill wrote on while a command was being carried out");

        rollback.Dispose();
        Assert.Equal(backFill.Count, await write.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(backFill.Count, (await db.Samples.ReadAsync(id, T, T.AddMinutes(1000), Ct)).Count);
    }

    /// <summary>Until the rollout's sample-write lock is held (granted) or waited for (not granted) by one session, within 10 s.</summary>
    private static async Task WaitForTheRolloutsLockAsync(TestDatabase db, long id, bool granted)
    {
        // pg_locks is the whole cluster's, and other tests write samples meanwhile: this database, this rollout.
        const string Sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = @granted " +
                           "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
                           "AND classid::bigint = @kind AND objid::bigint = @rollout AND objsubid = 2";
        await using var watcher = await db.Connections.OpenAsync(Ct);
        for (var tries = 0; tries < 200; tries++)
        {
            if (await watcher.ExecuteScalarAsync<long>(new CommandDefinition(Sql, new { granted, kind = (long)SampleRepository.PostgresSampleWriteLock, rollout = id }, cancellationToken: Ct)) == 1)
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"no advisory lock {(granted ? "held" : "waited for")} within 10 s");
    }

    /// <summary>The database's connections with turns of the test's own (a longer bound than the engine's 2 s).</summary>
    private sealed class WithTurns(IDbConnectionFactory inner, WriteTurns turns) : IDbConnectionFactory
    {
        public StorageProvider Provider => inner.Provider;

        public WriteTurns Writes => turns;

        public Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);
    }
}
