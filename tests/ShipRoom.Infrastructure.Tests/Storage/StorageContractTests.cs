using System.Data.Common;
using Dapper;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>What every storage engine must do; run once per engine by the subclasses below.</summary>
public abstract class StorageContractTests(IStorageEngine engine)
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    // ---- migrations ----------------------------------------------------------------------------------

    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_is_a_no_op()
    {
        await using var db = await engine.CreateAsync(migrate: false);

        var first = await db.Migrations.MigrateAsync(Ct);
        var second = await db.Migrations.MigrateAsync(Ct);

        Assert.Contains("0001_initial.sql", first);
        Assert.Contains("0002_audit_append_only.sql", first);
        Assert.Empty(second);
        Assert.True(await db.Migrations.IsCurrentAsync(Ct));
    }

    [Fact]
    public async Task Two_instances_migrating_at_once_apply_each_migration_exactly_once()
    {
        await using var db = await engine.CreateAsync(migrate: false);
        var other = db.SecondInstanceMigrations();

        var results = await Task.WhenAll(db.Migrations.MigrateAsync(Ct), other.MigrateAsync(Ct));

        var applied = results.SelectMany(r => r).ToList();
        Assert.Equal(applied.Distinct().Count(), applied.Count);
        Assert.Contains("0001_initial.sql", applied);
        Assert.True(await db.Migrations.IsCurrentAsync(Ct));
        await using var connection = await db.Connections.OpenAsync(Ct);
        Assert.Equal(applied.Count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task A_database_without_the_schema_is_not_current()
    {
        await using var db = await engine.CreateAsync(migrate: false);
        Assert.False(await db.Migrations.IsCurrentAsync(Ct));
    }

    // ---- users ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Users_round_trip_and_user_names_are_unique_whatever_their_case()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Users.CreateAsync("Alice", "Alice Example", "hash-1", ["IncidentCommander", "Viewer"], T, Ct);

        var found = await db.Users.FindByUserNameAsync("alice", Ct);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => db.Users.CreateAsync("ALICE", "Other", "hash-2", [], T, Ct));

        Assert.NotNull(found);
        Assert.Equal((id, "Alice", "Alice Example", "hash-1"), (found.Id, found.UserName, found.DisplayName, found.PasswordHash));
        Assert.Equal(["IncidentCommander", "Viewer"], found.Roles);
        Assert.Equal(T, found.CreatedAt);
        Assert.False(found.Disabled);
        Assert.Equal(1, await db.Users.CountAsync(Ct));
    }

    [Fact]
    public async Task Sign_in_failures_lock_and_a_success_or_new_password_unlocks()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Users.CreateAsync("bob", "Bob", "hash", ["Viewer"], T, Ct);

        await db.Users.RecordSignInFailureAsync(id, 3, T.AddMinutes(15), Ct);
        var locked = await db.Users.FindByIdAsync(id, Ct);
        await db.Users.RecordSignInSuccessAsync(id, T.AddMinutes(20), Ct);
        var unlocked = await db.Users.FindByIdAsync(id, Ct);
        await db.Users.SetRolesAsync(id, ["Admin"], Ct);
        await db.Users.SetDisabledAsync(id, true, Ct);
        var changed = await db.Users.FindByIdAsync(id, Ct);

        Assert.Equal((3, T.AddMinutes(15)), (locked!.FailedSignIns, locked.LockedUntil));
        Assert.Equal((0, (DateTimeOffset?)null, (DateTimeOffset?)T.AddMinutes(20)), (unlocked!.FailedSignIns, unlocked.LockedUntil, unlocked.LastSignInAt));
        Assert.Equal(["Admin"], changed!.Roles);
        Assert.True(changed.Disabled);
    }

    // ---- audit log -----------------------------------------------------------------------------------

    [Fact]
    public async Task Audit_entries_chain_and_can_be_searched()
    {
        await using var db = await engine.CreateAsync();
        var first = await db.Audit.AppendAsync(new AuditEntryDraft(T, "alice", "rollout.hold", 7, "Held", "Running", "Held", "latency"), Ct);
        var second = await db.Audit.AppendAsync(new AuditEntryDraft(T.AddMinutes(1), "bob", "checklist.tick", 7, "Ticked"), Ct);
        await db.Audit.AppendAsync(new AuditEntryDraft(T.AddMinutes(2), "alice", "sign-in", null, "Signed in"), Ct);

        Assert.Equal(AuditLog.GenesisHash, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(new AuditChainVerification(true, 3, null, null), await db.Audit.VerifyChainAsync(Ct));
        Assert.Equal(2, (await db.Audit.QueryAsync(new AuditQuery(RolloutId: 7), Ct)).Count);
        Assert.Equal(["sign-in", "rollout.hold"], (await db.Audit.QueryAsync(new AuditQuery(Actor: "alice"), Ct)).Select(e => e.Kind));
        var held = Assert.Single(await db.Audit.QueryAsync(new AuditQuery(Kind: "rollout.hold", From: T, To: T.AddMinutes(1)), Ct));
        Assert.Equal(("Running", "Held", "latency", T), (held.Before, held.After, held.Reason, held.At));
    }

    [Fact]
    public async Task The_engine_refuses_to_update_or_delete_audit_entries()
    {
        await using var db = await engine.CreateAsync();
        await db.Audit.AppendAsync(new AuditEntryDraft(T, "alice", "rollout.rollback", 1, "Rolled back"), Ct);
        await using var connection = await db.Connections.OpenAsync(Ct);

        var update = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("UPDATE audit_log SET summary = 'nothing happened'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM audit_log"));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal("Rolled back", Assert.Single(await db.Audit.QueryAsync(new AuditQuery(), Ct)).Summary);
    }

    [Fact]
    public async Task Editing_an_entry_behind_the_engine_s_back_breaks_the_chain_at_that_entry()
    {
        await using var db = await engine.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await db.Audit.AppendAsync(new AuditEntryDraft(T.AddMinutes(i), "alice", "rollout.advance", 1, $"Advanced to phase {i}"), Ct);
        }

        // What a DBA with full rights could do: drop the guard, rewrite history.
        await using (var connection = await db.Connections.OpenAsync(Ct))
        {
            var dropGuard = db.Connections.Provider == StorageProvider.Postgres
                ? "DROP TRIGGER audit_log_no_update_or_delete ON audit_log"
                : "DROP TRIGGER audit_log_no_update";
            await connection.ExecuteAsync(dropGuard);
            await connection.ExecuteAsync("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 3");
        }

        var verification = await db.Audit.VerifyChainAsync(Ct);

        Assert.False(verification.IsIntact);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(2, verification.EntriesChecked);
    }

    [Fact]
    public async Task Concurrent_appends_keep_one_unbroken_chain()
    {
        await using var db = await engine.CreateAsync();

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            Task.Run(() => db.Audit.AppendAsync(new AuditEntryDraft(T.AddSeconds(i), $"user{i % 4}", "checklist.tick", 1, $"tick {i}"), Ct), Ct)));

        var verification = await db.Audit.VerifyChainAsync(Ct);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(24, verification.EntriesChecked);
    }

    // ---- rollouts ------------------------------------------------------------------------------------

    private static NewRollout NewRollout(string name = "checkout v2") =>
        new(name, "v20261125.1", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "release: {}", "plan-hash", RolloutStatus.Scheduled, T.AddHours(2), "simulator", "{\"scenario\":\"healthy\"}", 60, T, "alice", T);

    [Fact]
    public async Task Rollouts_round_trip_and_list_newest_first()
    {
        await using var db = await engine.CreateAsync();
        var first = await db.Rollouts.CreateAsync(NewRollout("first"), Ct);
        var second = await db.Rollouts.CreateAsync(NewRollout("second"), Ct);

        var stored = await db.Rollouts.GetAsync(first, Ct);
        var list = await db.Rollouts.ListAsync(Ct);

        Assert.NotNull(stored);
        Assert.Equal(("first", "v20261125.1", RolloutStatus.Scheduled, 0, 1L), (stored.Name, stored.VersionTag, stored.Status, stored.PhaseIndex, stored.Version));
        Assert.Equal((T.AddHours(2), 60.0, T, "{\"scenario\":\"healthy\"}"), (stored.T0!.Value, stored.TimeFactor, stored.ClockOrigin!.Value, stored.SourceSettings));
        Assert.Equal([second, first], list.Select(r => r.Id));
        Assert.Null(await db.Rollouts.GetAsync(9999, Ct));
    }

    [Fact]
    public async Task The_live_list_holds_running_held_and_stabilising_rollouts_only()
    {
        await using var db = await engine.CreateAsync();
        var ids = new Dictionary<RolloutStatus, long>();
        foreach (var status in Enum.GetValues<RolloutStatus>())
        {
            var id = await db.Rollouts.CreateAsync(NewRollout(status.ToString()), Ct);
            Assert.True(status == RolloutStatus.Scheduled || await db.Rollouts.TryChangeStateAsync(id, 1, new RolloutStateChange(status, 0, T, T), Ct));
            ids[status] = id;
        }

        var live = await db.Rollouts.ListLiveAsync(Ct);

        Assert.Equal(ids.Where(p => RolloutStateMachine.IsLive(p.Key)).Select(p => p.Value).OrderDescending(), live.Select(r => r.Id));
        Assert.Equal(3, live.Count);
    }

    [Fact]
    public async Task A_state_change_against_a_stale_version_is_refused()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        var first = await db.Rollouts.TryChangeStateAsync(id, 1, new RolloutStateChange(RolloutStatus.Held, 0, null, T.AddMinutes(1)), Ct);
        var stale = await db.Rollouts.TryChangeStateAsync(id, 1, new RolloutStateChange(RolloutStatus.RollingBack, 0, null, T.AddMinutes(1)), Ct);
        var stored = await db.Rollouts.GetAsync(id, Ct);

        Assert.True(first);
        Assert.False(stale);
        Assert.Equal((RolloutStatus.Held, 2L), (stored!.Status, stored.Version));
    }

    [Fact]
    public async Task The_polled_up_to_mark_only_moves_forward()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        Assert.Equal(0, await db.Samples.StorePollAsync(id, [], T.AddMinutes(30), Ct));
        Assert.Equal(0, await db.Samples.StorePollAsync(id, [], T.AddMinutes(15), Ct));

        Assert.Equal(T.AddMinutes(30), (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo);
    }

    [Fact]
    public async Task Polls_store_one_after_another_and_one_over_minutes_seeded_ahead_of_its_mark_keeps_the_latest_values()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        MetricSample Sample(int minute, double value) => new("p95_latency_ms", Cohort.Canary, null, T.AddMinutes(minute), value);

        // Each poll stores what is at or after the mark the last one moved (on PostgreSQL as plain inserts).
        Assert.Equal(2, await db.Samples.StorePollAsync(id, [Sample(0, 100), Sample(1, 101)], T.AddMinutes(2), Ct));
        Assert.Equal(2, await db.Samples.StorePollAsync(id, [Sample(1, 999), Sample(2, 102), Sample(3, 103)], T.AddMinutes(4), Ct));

        // A minute stored ahead of the mark some other way (seeded) does not fail the poll over it: the poll's value wins.
        Assert.Equal(1, await db.Samples.UpsertAsync(id, [Sample(5, 1)], Ct));
        Assert.Equal(2, await db.Samples.StorePollAsync(id, [Sample(4, 104), Sample(5, 105)], T.AddMinutes(6), Ct));

        Assert.Equal([100, 101, 102, 103, 104, 105], (await db.Samples.ReadAsync(id, T, T.AddHours(1), Ct)).Select(s => s.Value));
        Assert.Equal(T.AddMinutes(6), (await db.Rollouts.GetAsync(id, Ct))!.LastPolledTo);
    }

    // ---- samples -------------------------------------------------------------------------------------

    [Fact]
    public async Task A_minute_stored_twice_is_one_sample_with_the_latest_value()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        await db.Samples.UpsertAsync(id, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T, 110)], Ct);
        await db.Samples.UpsertAsync(id, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T, 125.5)], Ct);

        var sample = Assert.Single(await db.Samples.ReadAsync(id, T, T.AddMinutes(1), Ct));
        Assert.Equal(125.5, sample.Value);
    }

    [Fact]
    public async Task A_back_fill_larger_than_one_SQLite_transaction_or_PostgreSQL_statement_is_stored_whole_and_once()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var hour = Enumerable.Range(0, 60).SelectMany(minute => Enumerable.Range(0, 170).Select(series =>
            new MetricSample($"metric_{series:000}", series % 2 == 0 ? Cohort.Canary : Cohort.Control, series % 3 == 0 ? "checkout" : null, T.AddMinutes(minute),
                series == 7 && minute % 10 == 0 ? double.NaN : series == 8 && minute % 10 == 0 ? double.PositiveInfinity : minute + (series / 1000.0)))).ToList();
        Assert.True(hour.Count > 2 * SampleRepository.SqliteRowsPerTransaction);
        Assert.True(hour.Count > SampleRepository.PostgresRowsPerStatement);

        Assert.Equal(hour.Count, await db.Samples.UpsertAsync(id, hour, Ct));
        Assert.Equal(hour.Count, await db.Samples.UpsertAsync(id, hour, Ct)); // the same poll again (cut off half-way before): rewritten, not doubled

        var stored = await db.Samples.ReadAsync(id, T, T.AddHours(1), Ct);
        Assert.Equal(hour.Count, stored.Count);
        // Every sample as written, journey included; NaN and infinity are stored as no data and read back as NaN.
        Assert.Equal(
            hour.Select(s => $"{s.Time:HH:mm} {s.MetricKey} {s.Cohort} {s.Journey ?? ""} {(double.IsFinite(s.Value) ? s.Value : double.NaN)}").Order(StringComparer.Ordinal),
            stored.Select(s => $"{s.Time:HH:mm} {s.MetricKey} {s.Cohort} {s.Journey} {s.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_polls_sample_write_waits_for_a_command_being_carried_out()
    {
        // On SQLite the command needs the one writer; on PostgreSQL its statements need the cores an hour of back-fill
        // keeps busy (a rollback's answer, p99 70-120 ms beside 50 first polls before the samples waited).
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        var rollback = db.Connections.Writes.Command();
        var write = db.Samples.UpsertAsync(id, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T, 110)], Ct);
        await Task.Delay(150, Ct);
        Assert.False(write.IsCompleted, "the poll's samples were written while a command was being carried out");

        rollback.Dispose();
        Assert.Equal(1, await write.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Single(await db.Samples.ReadAsync(id, T, T.AddMinutes(1), Ct));
    }

    [Fact]
    public async Task A_probe_sweeps_runs_wait_for_a_command_being_carried_out_and_go_in_together()
    {
        // A hundred new rollouts' first probes, three inserts each, met the rollbacks given then at SQLite's write lock.
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var runs = new ProbeRunRepository(db.Connections);

        var rollback = db.Connections.Writes.Command();
        var write = runs.InsertAsync(id,
        [
            new NewProbeRun(new Core.Evaluation.ProbeRun("health", T, true, "simulated"), null, 200),
            new NewProbeRun(new Core.Evaluation.ProbeRun("ready", T, true, "simulated"), null, 200),
        ], Ct);
        await Task.Delay(150, Ct);
        Assert.False(write.IsCompleted, "the probe runs were written while a command was being carried out");
        Assert.Empty(await runs.ListAsync(id, T, T.AddMinutes(1), Ct));

        rollback.Dispose();
        await write.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(["health", "ready"], (await runs.ListAsync(id, T, T.AddMinutes(1), Ct)).Select(r => r.ProbeName));
    }

    [Fact]
    public async Task Every_double_a_source_can_give_reads_back_as_the_same_double_and_the_rest_as_no_data()
    {
        // SQLite takes a poll's rows as JSON text: each value must come back bit for bit, whatever its digits.
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var random = new Random(21);
        double[] edges = [0, 1, 100, 0.1, 1.0 / 3, 99.99999999999999, 1e-300, 5e-324, 2.2250738585072014E-308, 1.7976931348623157E+308, -1e15, 123456789012345680, 4.940656458412465E-10];
        var values = edges.Concat(Enumerable.Range(0, 1500).Select(i => i % 3 == 0 ? random.NextDouble() : i % 3 == 1 ? random.NextDouble() * 1e6 - 5e5 : BitConverter.Int64BitsToDouble(random.NextInt64(0, 0x7FEFFFFFFFFFFFFF)))).ToList();
        double[] noData = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        var samples = values.Concat(noData)
            .Select((value, minute) => new MetricSample("p95_latency_ms", minute % 2 == 0 ? Cohort.Canary : Cohort.Control, (minute % 5) switch
            {
                0 => "checkout \"fast\" \\ path",
                1 => "paiement é 支付 \u0001 😀",
                _ => null,
            }, T.AddMinutes(minute), value))
            .ToList();

        Assert.Equal(samples.Count, await db.Samples.UpsertAsync(id, samples, Ct));
        var stored = (await db.Samples.ReadAsync(id, T, T.AddMinutes(samples.Count), Ct)).ToDictionary(s => s.Time);

        Assert.Equal(samples.Count, stored.Count);
        Assert.All(samples, sample =>
        {
            var back = stored[sample.Time];
            Assert.Equal((sample.Cohort, sample.Journey), (back.Cohort, back.Journey));
            Assert.True(double.IsFinite(sample.Value)
                ? BitConverter.DoubleToInt64Bits(sample.Value) == BitConverter.DoubleToInt64Bits(back.Value)
                : double.IsNaN(back.Value), $"{sample.Value:R} at {sample.Time:HH:mm} read back as {back.Value:R}");
        });
    }

    [Fact]
    public async Task Samples_read_back_exactly_in_a_half_open_range_with_journeys_and_no_data_kept()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var batch = new List<MetricSample>();
        for (var minute = 0; minute < 20; minute++)
        {
            batch.Add(new MetricSample("p95_latency_ms", Cohort.Control, null, T.AddMinutes(minute), 100 + (minute * 0.125)));
            batch.Add(new MetricSample("p95_latency_ms", Cohort.Canary, "checkout", T.AddMinutes(minute), minute == 7 ? double.NaN : 101.5));
        }

        Assert.Equal(40, await db.Samples.UpsertAsync(id, batch, Ct));
        var window = await db.Samples.ReadAsync(id, T.AddMinutes(5), T.AddMinutes(10), Ct);

        Assert.Equal(10, window.Count);
        Assert.Equal(T.AddMinutes(5), window.Min(s => s.Time));
        Assert.Equal(T.AddMinutes(9), window.Max(s => s.Time));
        Assert.Equal(100.625, window.Single(s => s.Cohort == Cohort.Control && s.Time == T.AddMinutes(5)).Value);
        Assert.True(double.IsNaN(window.Single(s => s.Cohort == Cohort.Canary && s.Time == T.AddMinutes(7)).Value));
        Assert.All(window.Where(s => s.Cohort == Cohort.Canary), s => Assert.Equal("checkout", s.Journey));
        Assert.All(window.Where(s => s.Cohort == Cohort.Control), s => Assert.Null(s.Journey));
        Assert.Equal(T.AddMinutes(19), await db.Samples.LatestSampleTimeAsync(id, Ct));
    }

    [Fact]
    public async Task Migration_0022_keys_samples_by_time_and_keeps_every_sample_written_before_it()
    {
        await using var db = await engine.CreateAsync(migrate: false);
        await db.MigrateBeforeAsync("0022", Ct);
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        await using (var connection = await db.Connections.OpenAsync(Ct))
        {
            // Written as the schema before it stood, metric before time, with a journey and a minute of no data.
            foreach (var (metric, cohort, journey, minute, value) in new (string, string, string, int, double?)[]
            {
                ("p95_latency_ms", "Canary", "", 1, 120.5), ("error_rate", "Control", "", 1, 0.25), ("p95_latency_ms", "Control", "checkout", 0, 99),
                ("error_rate", "Canary", "", 0, null), ("p95_latency_ms", "Control", "", 0, 101.125),
            })
            {
                await connection.ExecuteAsync(
                    "INSERT INTO metric_samples (rollout_id, metric_key, cohort, journey, sample_time_ms, value) VALUES (@id, @metric, @cohort, @journey, @time, @value)",
                    new { id, metric, cohort, journey, time = UnixTime.ToMs(T.AddMinutes(minute)), value });
            }
        }

        Assert.Contains("0022_metric_samples_by_time.sql", await db.Migrations.MigrateAsync(Ct));

        var read = (await db.Samples.ReadAsync(id, T, T.AddMinutes(2), Ct)).Select(s => $"{s.Time:HH:mm} {s.MetricKey} {s.Cohort} {s.Journey} {s.Value}");
        Assert.Equal(
            ["10:00 error_rate Canary  NaN", "10:00 p95_latency_ms Control  101.125", "10:00 p95_latency_ms Control checkout 99", "10:01 error_rate Control  0.25", "10:01 p95_latency_ms Canary  120.5"],
            read);
        // A minute written again is still one sample with the latest value under the new key.
        Assert.Equal(1, await db.Samples.UpsertAsync(id, [new MetricSample("error_rate", Cohort.Control, null, T.AddMinutes(1), 0.5)], Ct));
        Assert.Equal(0.5, (await db.Samples.ReadAsync(id, T.AddMinutes(1), T.AddMinutes(2), Ct)).Single(s => s.MetricKey == "error_rate").Value);
        Assert.Equal(T.AddMinutes(1), await db.Samples.LatestSampleTimeAsync(id, Ct));

        await using var check = await db.Connections.OpenAsync(Ct);
        var indexes = db.Connections.Provider == StorageProvider.Postgres
            ? await check.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE tablename = 'metric_samples'")
            : await check.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'metric_samples'");
        Assert.DoesNotContain("ix_metric_samples_time", indexes); // the key's prefix serves the time lookups now
        var key = db.Connections.Provider == StorageProvider.Postgres
            ? await check.ExecuteScalarAsync<string>("SELECT indexdef FROM pg_indexes WHERE indexname = 'metric_samples_pkey'")
            : string.Join(", ", await check.QueryAsync<string>("SELECT name FROM pragma_table_info('metric_samples') WHERE pk > 0 ORDER BY pk"));
        Assert.Contains("rollout_id, sample_time_ms, metric_key, cohort, journey", key);
    }

    [Fact]
    public async Task A_sample_for_a_rollout_that_does_not_exist_is_refused_on_every_connection_the_pool_hands_out_again()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        // Several opens in a row: pooled connections come back, and the refusal must still hold on them. SQLite's foreign
        // key refuses it; on PostgreSQL, which has none on samples (db/postgres/0024), the write itself does, by the id.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(1, await db.Samples.UpsertAsync(id, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T.AddMinutes(attempt), 100)], Ct));
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.Samples.UpsertAsync(id + 1000, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T, 100)], Ct));
            Assert.True(refused is System.Data.Common.DbException { Message: var sqlite } && sqlite.Contains("FOREIGN KEY", StringComparison.Ordinal)
                || refused.Message == $"rollout {id + 1000} does not exist: its samples (1) were not stored", refused.ToString());
            var polled = await Assert.ThrowsAnyAsync<Exception>(() => db.Samples.StorePollAsync(id + 1000, [new MetricSample("p95_latency_ms", Cohort.Canary, null, T, 100)], T.AddMinutes(1), Ct));
            Assert.True(polled is System.Data.Common.DbException { Message: var sqlitePoll } && sqlitePoll.Contains("FOREIGN KEY", StringComparison.Ordinal)
                || polled.Message == $"rollout {id + 1000} does not exist: its samples (1) were not stored", polled.ToString());
        }

        Assert.Equal(3, (await db.Samples.ReadAsync(id, T, T.AddHours(1), Ct)).Count);
        Assert.Empty(await db.Samples.ReadAsync(id + 1000, T, T.AddHours(1), Ct));
    }

    // ---- polls and decisions -------------------------------------------------------------------------

    [Fact]
    public async Task Poll_runs_record_their_range_and_outcome()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);

        var run = await db.PollRuns.StartAsync(id, T.AddMinutes(15), T, T.AddMinutes(15), Ct);
        await db.PollRuns.FinishAsync(run, T.AddMinutes(15).AddSeconds(2), PollRunStatus.PartiallyFailed, 420, "cache_hit_pct: Prometheus unreachable", Ct);

        var stored = Assert.Single(await db.PollRuns.ListRecentAsync(id, 10, Ct));
        Assert.Equal((PollRunStatus.PartiallyFailed, 420, T, T.AddMinutes(15)), (stored.Status, stored.Samples, stored.RangeFrom, stored.RangeTo));
        Assert.Contains("unreachable", stored.Problems);
    }

    [Fact]
    public async Task The_same_idempotency_key_never_records_a_second_decision()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var draft = new DecisionDraft(id, RolloutCommand.RollBack, "alice", "P95 trigger", "rollback:1:v3", T, DecisionOutcome.Pending, "Running", "RollingBack");

        var (first, created) = await db.Decisions.RecordAsync(draft, Ct);
        var (again, createdAgain) = await db.Decisions.RecordAsync(draft with { Actor = "bob" }, Ct);
        await db.Decisions.UpdateOutcomeAsync(first.Id, new DecisionUpdate(DecisionOutcome.Executed, T.AddSeconds(1), T.AddSeconds(40), null, "{\"status\":202}"), Ct);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("alice", again.Actor);
        var stored = Assert.Single(await db.Decisions.ListAsync(id, 10, Ct));
        Assert.Equal((DecisionOutcome.Executed, T.AddSeconds(40), "{\"status\":202}"), (stored.Outcome, stored.AcknowledgedAt!.Value, stored.Detail));
    }

    [Fact]
    public async Task A_sign_off_and_a_resume_keep_what_the_engine_needs_in_their_own_columns()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var (approval, _) = await db.Decisions.RecordAsync(new DecisionDraft(id, RolloutCommand.Approve, "ceo", "ok at 50%", "approve:1", T, DecisionOutcome.Pending, "Running", null), Ct);
        var (resume, _) = await db.Decisions.RecordAsync(new DecisionDraft(id, RolloutCommand.Resume, "ic", "cleared", "resume:1", T, DecisionOutcome.Pending, "Held", null), Ct);

        await db.Decisions.UpdateOutcomeAsync(approval.Id, new DecisionUpdate(DecisionOutcome.Executed, T, null, null, null) { ApprovedPhase = 3, ApprovedRole = "ExecutiveApprover" }, Ct);
        await db.Decisions.UpdateOutcomeAsync(resume.Id, new DecisionUpdate(DecisionOutcome.Executed, T, null, null, null) { ResumedAt = T.AddMinutes(7) }, Ct);

        var stored = (await db.Decisions.ListAsync(id, 10, Ct)).ToDictionary(d => d.Kind);
        Assert.Equal((3, "ExecutiveApprover"), (stored[RolloutCommand.Approve].ApprovedPhase, stored[RolloutCommand.Approve].ApprovedRole));
        Assert.Equal(T.AddMinutes(7), stored[RolloutCommand.Resume].ResumedAt);
        Assert.Null(stored[RolloutCommand.Resume].ApprovedPhase);
    }

    [Fact]
    public async Task Probe_runs_read_back_in_time_order_with_latency_and_reason_and_same_instant_runs_in_recorded_order()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout(), Ct);
        var runs = new ProbeRunRepository(db.Connections);
        await runs.InsertAsync(id, [new NewProbeRun(new Core.Evaluation.ProbeRun("ready", T.AddMinutes(1), true), 38.5, 200)], Ct);
        await runs.InsertAsync(id,
        [
            new NewProbeRun(new Core.Evaluation.ProbeRun("smoke", T, false, "status 503, expected 200"), 212.25, 503),
            new NewProbeRun(new Core.Evaluation.ProbeRun("health", T, false, "unreachable (ConnectionError)"), null, null),
        ], Ct);
        await runs.InsertAsync(id, [], Ct);

        var judged = await runs.ListAsync(id, T, T.AddMinutes(2), Ct);
        var recorded = await runs.ListRecordedAsync(id, Ct);

        Assert.Equal(["smoke", "health", "ready"], judged.Select(r => r.ProbeName));
        Assert.Equal(
            [
                new Core.Recordings.RecordedProbeRun(T, "smoke", false, 212.25, "status 503, expected 200"),
                new Core.Recordings.RecordedProbeRun(T, "health", false, null, "unreachable (ConnectionError)"),
                new Core.Recordings.RecordedProbeRun(T.AddMinutes(1), "ready", true, 38.5, null),
            ],
            recorded);
    }
    // ---- what the judge and the dashboard read besides the rollout and its samples -------------------------------------------------------

    [Fact]
    public async Task Every_write_to_a_rollouts_phases_decisions_and_panels_moves_its_fact_version_and_no_other_rollouts()
    {
        await using var db = await engine.CreateAsync();
        var id = await db.Rollouts.CreateAsync(NewRollout("watched"), Ct);
        var other = await db.Rollouts.CreateAsync(NewRollout("other"), Ct);
        var versions = new RolloutFactChangeRepository(db.Connections);
        var checklists = new ChecklistRepository(db.Connections);
        var roster = new RosterRepository(db.Connections);
        var posts = new NotificationRepository(db.Connections);
        var drafts = new PostmortemRepository(db.Connections);
        var steps = new PostSuccessRepository(db.Connections);
        var seen = new List<long> { await versions.VersionAsync(id, Ct) };
        var otherBefore = await versions.VersionAsync(other, Ct);

        async Task Moved(string write, Func<Task> act)
        {
            await act();
            var now = await versions.VersionAsync(id, Ct);
            Assert.True(now > seen[^1], $"{write} did not move the fact version (still {now})");
            seen.Add(now);
        }

        await Moved("a checklist item", () => checklists.AddItemsAsync(id, [new NewChecklistItem("T-1h", "dashboards", "Dashboards open", "ic", -60, 1)], Ct));
        var item = (await checklists.ListAsync(id, Ct)).Single();
        await Moved("a tick", () => checklists.TickAsync(id, item.Id, TickStates.Done, "alice", null, T, Ct));
        await Moved("a roster entry", () => roster.UpsertAsync(id, new RosterEntry("ic", "Alice", null, null, null, null, null, null, null, 1), Ct));
        await Moved("a roster entry changed", () => roster.UpsertAsync(id, new RosterEntry("ic", "Bob", null, null, null, null, null, null, null, 1), Ct));
        await Moved("a phase summary", () => new PhaseSummaryRepository(db.Connections).InsertAsync(id, 0, "pm", "All green.", "advance", "{}", T, Ct));
        await Moved("a post", () => posts.EnqueueAsync(new NotificationDraft(id, "started", "ship-room", "started", "Started", "{}", T), Ct));
        var post = (await posts.ListAsync(id, 10, Ct)).Single();
        await Moved("a post sent", () => posts.MarkSentAsync(post.Id, T, Ct));
        await Moved("a postmortem drafted", () => drafts.CreateAsync(id, "rollback", "# What happened", T, T.AddDays(1), Ct));
        await Moved("a postmortem edited", () => drafts.UpdateAsync(id, "# What happened, edited", "ic", T, 1, Ct));
        await Moved("a page update", () => new PageUpdateRepository(db.Connections).InsertAsync(new PageUpdate(id, $"shiproom-{id}-rollback", "rollback", "ev-1", "incident.acknowledged", "ic", null, T, T), Ct));
        await Moved("a post-success step", () => steps.TryClaimAsync(id, "tag", T, T.AddMinutes(-5), 3, Ct));
        await Moved("a post-success step done", () => steps.FinishAsync(id, "tag", "done", "", T, Ct));

        await Moved("a phase started", () => db.Rollouts.RecordPhaseStartAsync(id, 1, "10%", 10, T, Ct));
        var decision = await db.Decisions.RecordAsync(new DecisionDraft(id, RolloutCommand.Hold, "ic", "checking", "hold:1", T, DecisionOutcome.Pending, "Running", null), Ct);
        Assert.True(await versions.VersionAsync(id, Ct) > seen[^1], "a decision did not move the fact version");
        seen.Add(await versions.VersionAsync(id, Ct));
        await Moved("a decision carried out", () => db.Decisions.SetCompletedAsync(decision.Decision.Id, T, null, null, Ct));

        Assert.Equal(otherBefore, await versions.VersionAsync(other, Ct));
        // A post that belongs to no rollout moves none.
        await posts.EnqueueAsync(new NotificationDraft(null, "digest", "ship-room", "digest", "Digest", "{}", T), Ct);
        Assert.Equal((seen[^1], otherBefore), (await versions.VersionAsync(id, Ct), await versions.VersionAsync(other, Ct)));
    }

    // ---- counted for /metrics ---------------------------------------------------------------------------

    [Fact]
    public async Task Connections_opened_are_counted_and_on_SQLite_with_CountStatements_the_statements_the_sample_writes_apart()
    {
        await using var db = await engine.CreateAsync();
        var counters = new StorageCounters();
        var counted = new StorageOptions { Provider = db.Options.Provider, ConnectionString = db.Options.ConnectionString, CountStatements = true };
        var factory = StorageServiceCollectionExtensions.CreateConnectionFactory(counted, counters);
        try
        {
            var connections = StorageServiceCollectionExtensions.Sharing(factory);
            var id = await new RolloutRepository(connections).CreateAsync(NewRollout(), Ct);
            var (opened, statements) = (counters.ConnectionsOpened, counters.Statements);
            await using (SharedConnectionScope.Begin())
            {
                await new SampleRepository(connections).UpsertAsync(id, [new MetricSample("errors", Cohort.Canary, null, T, 0.5), new MetricSample("errors", Cohort.Control, null, T, 0.4), new MetricSample("errors", Cohort.Canary, null, T.AddMinutes(1), 0.6)], Ct);
                Assert.NotNull(await new RolloutRepository(connections).GetAsync(id, Ct));
            }

            Assert.Equal(opened + 1, counters.ConnectionsOpened);
            if (db.Options.Provider == "Sqlite")
            {
                // Three rows in the one JSON statement; besides it at least the transaction and the read (the engine may run more, never fewer).
                Assert.Equal(1L, counters.SampleWrites);
                Assert.InRange(counters.Statements - statements, 3, 10);

                // One statement that fires a trigger (the fact version's) is one statement: the trace's trigger line is not counted.
                var before = counters.Statements;
                await using var connection = await factory.OpenAsync(Ct);
                await connection.ExecuteAsync("INSERT INTO rollout_phases (rollout_id, phase_index, name, traffic_share, started_at_ms) VALUES (@id, 0, '1%', 1, 0)", new { id });
                Assert.Equal(before + 1, counters.Statements);
            }
            else
            {
                Assert.Equal((0L, 0L), (counters.SampleWrites, counters.Statements));
            }
        }
        finally
        {
            if (factory is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    // ---- one connection for calls made one after another -------------------------------------------------

    [Fact]
    public async Task Calls_in_a_shared_connection_scope_go_through_one_connection_and_a_call_that_finds_it_lent_opens_its_own()
    {
        await using var db = await engine.CreateAsync();
        var counting = new OpenCounter(db.Connections);
        var connections = StorageServiceCollectionExtensions.Sharing(counting);
        var rollouts = new RolloutRepository(connections);
        var id = await rollouts.CreateAsync(NewRollout(), Ct);
        Assert.Equal(1L, counting.Opens);

        await using (var scope = SharedConnectionScope.Begin())
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.NotNull(await rollouts.GetAsync(id, Ct));
            }

            // Written in a transaction on the lent connection, then read back on it.
            await new SampleRepository(connections).UpsertAsync(id, [new MetricSample("errors", Cohort.Canary, null, T, 0.5)], Ct);
            Assert.Single(await new SampleRepository(connections).ReadAsync(id, T, T.AddMinutes(1), Ct));
            Assert.Equal((1, 2L), (scope.Opened, counting.Opens));

            // Four callers holding a connection at the same moment: one has the scope's, the other three their own.
            using var together = new Barrier(4);
            var held = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var connection = await connections.OpenAsync(Ct);
                Assert.True(together.SignalAndWait(TimeSpan.FromSeconds(30), Ct), "the four callers never held connections together");
                var rows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM rollouts");
                Assert.True(together.SignalAndWait(TimeSpan.FromSeconds(30), Ct), "the four callers never read together");
                await connection.DisposeAsync();
                return (Lent: connection is LentConnection, Rows: rows);
            }, Ct)));
            Assert.Equal(1, held.Count(h => h.Lent));
            Assert.All(held, h => Assert.Equal(1L, h.Rows));
            Assert.Equal((1, 5L), (scope.Opened, counting.Opens));
        }

        Assert.Equal(0, counting.OpenNow);
        Assert.NotNull(await rollouts.GetAsync(id, Ct));
        Assert.Equal(6L, counting.Opens);
        Assert.Null(SharedConnectionScope.Current);
    }

    [Fact]
    public async Task A_shared_connection_is_closed_when_its_scope_ends_or_when_given_back_after_and_is_not_lent_with_a_transaction_left_open()
    {
        await using var db = await engine.CreateAsync();
        var counting = new OpenCounter(db.Connections);
        var connections = StorageServiceCollectionExtensions.Sharing(counting);
        var id = await new RolloutRepository(connections).CreateAsync(NewRollout(), Ct);

        DbConnection lent;
        await using (var scope = SharedConnectionScope.Begin())
        {
            // A transaction left open by its caller: the connection is closed (rolling it back), not lent to the next.
            var careless = await connections.OpenAsync(Ct);
            var transaction = await careless.BeginTransactionAsync(Ct);
            await careless.ExecuteAsync("UPDATE rollouts SET name = 'lost' WHERE id = @id", new { id }, transaction);
            await careless.DisposeAsync();
            Assert.Equal(0, counting.OpenNow);
            await using (var next = await connections.OpenAsync(Ct))
            {
                Assert.IsType<LentConnection>(next);
                Assert.Equal("checkout v2", await next.ExecuteScalarAsync<string>("SELECT name FROM rollouts WHERE id = @id", new { id }));
            }

            Assert.Equal(2, scope.Opened);
            lent = await connections.OpenAsync(Ct);
        }

        // Lent when the scope ended: still open for its caller, closed when given back.
        Assert.Equal(1, counting.OpenNow);
        Assert.Equal(1L, await lent.ExecuteScalarAsync<long>("SELECT count(*) FROM rollouts"));
        await lent.DisposeAsync();
        Assert.Equal(0, counting.OpenNow);
    }

    [Fact]
    public async Task A_suspended_scope_holds_no_connection_through_the_wait_and_opens_afresh_after_it()
    {
        await using var db = await engine.CreateAsync();
        var counting = new OpenCounter(db.Connections);
        var connections = StorageServiceCollectionExtensions.Sharing(counting);
        var rollouts = new RolloutRepository(connections);
        var id = await rollouts.CreateAsync(NewRollout(), Ct);

        await using (var scope = SharedConnectionScope.Begin())
        {
            Assert.NotNull(await rollouts.GetAsync(id, Ct));
            Assert.Equal(1, counting.OpenNow);
            using (SharedConnectionScope.Suspend())
            {
                Assert.Equal(0, counting.OpenNow);
                Assert.Null(SharedConnectionScope.Current);
                // A call under the suspension has a connection of its own, closed when it is done.
                Assert.NotNull(await rollouts.GetAsync(id, Ct));
                Assert.Equal(0, counting.OpenNow);
            }

            Assert.Same(scope, SharedConnectionScope.Current);
            Assert.NotNull(await rollouts.GetAsync(id, Ct));
            Assert.NotNull(await rollouts.GetAsync(id, Ct));
            Assert.Equal((2, 1), (scope.Opened, counting.OpenNow));
        }

        Assert.Equal(0, counting.OpenNow);
    }

}

public sealed class SqliteStorageContractTests() : StorageContractTests(new SqliteEngine());

public sealed class PostgresStorageContractTests(PostgresServer server) : StorageContractTests(new PostgresEngine(server));

/// <summary>The engine's factory, counting the connections it opens and keeping them, to tell how many are open now.</summary>
internal sealed class OpenCounter(IDbConnectionFactory inner) : IDbConnectionFactory
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<DbConnection> _opened = new();

    private long _opens;

    public long Opens => Interlocked.Read(ref _opens);

    /// <summary>Real connections opened here and not closed since.</summary>
    public int OpenNow => _opened.Count(c => c.State != System.Data.ConnectionState.Closed);

    public StorageProvider Provider => inner.Provider;

    public WriteTurns Writes => inner.Writes;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await inner.OpenAsync(cancellationToken);
        Interlocked.Increment(ref _opens);
        _opened.Enqueue(connection);
        return connection;
    }
}
