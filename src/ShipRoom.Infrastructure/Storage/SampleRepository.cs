using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;
using ShipRoom.Core.Metrics;
using SampleRow = ((string MetricKey, ShipRoom.Core.Metrics.Cohort Cohort, string Journey, long TimeMs) Key, double Value);

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// One row per (rollout, minute, metric, cohort, journey), keyed in that order so a poll's minute of every series is a
/// few adjacent pages and a window in time order is one range. The overall series is stored with journey '' so it can
/// sit in the primary key; a value that is NaN or infinite is stored as NULL and read back as NaN (NO DATA).
/// </summary>
public sealed class SampleRepository(IDbConnectionFactory connections) : ISampleRepository
{
    /// <summary>
    /// Rows per INSERT on PostgreSQL: a few milliseconds of the server's time each, the longest a command given during a
    /// back-fill waits for it while the write's turn lasts (the write yields to commands between statements, up to its
    /// turn's bound). 10,000 before: an hour of the shipped plan in one statement, which a rollback met on a core.
    /// </summary>
    public const int PostgresRowsPerStatement = 1000;

    /// <summary>About 6 ms of writing on the development VM: the longest a command waits for a poll's samples.</summary>
    public const int SqliteRowsPerTransaction = 1000;

    /// <summary>
    /// Rows per SQLite INSERT, as one JSON text (<see cref="SqliteSampleRowsJson"/>): the shipped plans' rows are 70-80
    /// characters, so 400 keep the string (two bytes a character) under the large object heap's 85,000 bytes.
    /// </summary>
    public const int SqliteRowsPerStatement = 400;

    private const string SqliteInsertFromJsonSql =
        "INSERT INTO metric_samples (rollout_id, metric_key, cohort, journey, sample_time_ms, value) " +
        "SELECT @r, row.value ->> 0, row.value ->> 1, row.value ->> 2, row.value ->> 3, row.value ->> 4 FROM json_each(@rows) AS row WHERE true";

    private const string UpsertConflict = " ON CONFLICT (rollout_id, sample_time_ms, metric_key, cohort, journey) DO UPDATE SET value = excluded.value";

    /// <summary>The first key of the advisory lock a rollout's poll writes take on PostgreSQL (the second is the rollout).</summary>
    internal const int PostgresSampleWriteLock = 74_748_503;

    private const string ReadMarkSql = "SELECT last_polled_to_ms FROM rollouts WHERE id = @rolloutId";

    /// <summary>The polled-up-to mark only moves forward.</summary>
    private const string MoveMarkSql = "UPDATE rollouts SET last_polled_to_ms = @polledTo WHERE id = @rolloutId AND (last_polled_to_ms IS NULL OR last_polled_to_ms < @polledTo)";

    /// <summary>
    /// Stores a batch as it is, below the rollout's mark or not: for seeding and tests only, so not on
    /// <see cref="ISampleRepository"/> (what runs stores a poll's samples with <see cref="StorePollAsync"/>). One
    /// transaction on PostgreSQL; transactions of 1,000 rows on SQLite. A minute stored twice keeps the latest value.
    /// </summary>
    public async Task<int> UpsertAsync(long rolloutId, IReadOnlyList<MetricSample> samples, CancellationToken cancellationToken) =>
        samples.Count == 0 ? 0
        : connections.Provider == StorageProvider.Sqlite ? await UpsertOnSqliteAsync(rolloutId, Rows(samples), poll: false, polledTo: null, cancellationToken)
        : await UpsertOnPostgresAsync(rolloutId, Rows(samples), poll: false, polledTo: null, upsert: true, cancellationToken);

    public async Task<int> StorePollAsync(long rolloutId, IReadOnlyList<MetricSample> samples, DateTimeOffset? polledTo, CancellationToken cancellationToken)
    {
        if (connections.Provider == StorageProvider.Sqlite)
        {
            return await UpsertOnSqliteAsync(rolloutId, Rows(samples), poll: true, polledTo, cancellationToken);
        }

        var rows = Rows(samples);
        try
        {
            // Plain inserts: a poll stores only minutes at or after the mark, and every poll before it stored only minutes
            // before the mark it moved, so none is there yet. ON CONFLICT ... DO UPDATE cost as much again as the insert
            // itself (411,000 rows on the 2-core VM: 1.35-1.54 s with it, 0.71-0.79 s without, psql).
            return await UpsertOnPostgresAsync(rolloutId, rows, poll: true, polledTo, upsert: false, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Minutes stored ahead of the mark some other way (seeded; or by a version before the mark moved with the
            // samples): the whole write again, keeping the latest values. Once per such rollout: it moves the mark past them.
            return await UpsertOnPostgresAsync(rolloutId, rows, poll: true, polledTo, upsert: true, cancellationToken);
        }
    }

    private static IReadOnlyList<SampleRow> AtOrAfter(long? markMs, IReadOnlyList<SampleRow> rows) =>
        markMs is { } mark ? rows.Where(r => r.Key.TimeMs >= mark).ToList() : rows;

    /// <summary>
    /// One row per key, in the order first seen: the same key twice in one statement would fail a plain insert or ON
    /// CONFLICT on PostgreSQL, so the last value wins here. An index by key, not a grouping: a group made per sample was
    /// a back-fill's garbage.
    /// </summary>
    private static List<SampleRow> Rows(IReadOnlyList<MetricSample> samples)
    {
        var rows = new List<SampleRow>(samples.Count);
        var rowOf = new Dictionary<(string MetricKey, Cohort Cohort, string Journey, long TimeMs), int>(samples.Count);
        foreach (var sample in samples)
        {
            var key = (sample.MetricKey, sample.Cohort, sample.Journey ?? "", UnixTime.ToMs(sample.Time));
            ref var row = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(rowOf, key, out var seen);
            if (seen)
            {
                rows[row] = (key, sample.Value);
            }
            else
            {
                row = rows.Count;
                rows.Add((key, sample.Value));
            }
        }

        return rows;
    }

    /// <summary>
    /// The rows go as five arrays, unnested by PostgreSQL: five parameters a statement however many rows, where a VALUES
    /// list of 500 rows took 3,000 (each an object made and bound here, the named ones rewritten to positional ones in a
    /// 25 KB statement, parsed and planned there). One transaction, so a poll's samples are all there or none; before
    /// each statement it yields to the commands being carried out (<see cref="WriteTurns.BackgroundTurn"/>).
    /// </summary>
    /// <remarks>
    /// A poll's write (<paramref name="poll"/>) takes the rollout's advisory lock, then reads the mark in a statement of
    /// its own (read committed, so it sees what a write that held the lock before committed), stores only the minutes at
    /// or after it, and moves the mark, all in the one transaction. Commands never wait on the lock, which is not the
    /// rollout's row. The inserts lock nothing of the rollout's row (no foreign key checks them: a write reads the row
    /// once and refuses a rollout that does not exist); it is held for update only from the mark's update, the last
    /// statement, to the commit.
    /// </remarks>
    private async Task<int> UpsertOnPostgresAsync(long rolloutId, IReadOnlyList<SampleRow> rows, bool poll, DateTimeOffset? polledTo, bool upsert, CancellationToken cancellationToken)
    {
        if (rows.Count == 0 && polledTo is null)
        {
            return 0;
        }

        using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        if (poll)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@kind, @rollout)", new { kind = PostgresSampleWriteLock, rollout = unchecked((int)rolloutId) }, transaction, cancellationToken: cancellationToken));
        }

        // No foreign key checks each row (db/postgres/0024): the rollout's row is read once, with its mark.
        var marks = (await connection.QueryAsync<long?>(new CommandDefinition(ReadMarkSql, new { rolloutId }, transaction, cancellationToken: cancellationToken))).ToList();
        if (marks.Count == 0)
        {
            throw new InvalidOperationException($"rollout {rolloutId} does not exist: its samples ({rows.Count}) were not stored");
        }

        if (poll)
        {
            rows = AtOrAfter(marks[0], rows);
        }

        var written = 0;
        foreach (var chunk in rows.Chunk(PostgresRowsPerStatement))
        {
            await turn.YieldToCommandsAsync(cancellationToken);
            var (metrics, cohorts, journeys, times, values) = (new string[chunk.Length], new string[chunk.Length], new string[chunk.Length], new long[chunk.Length], new double?[chunk.Length]);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (key, value) = chunk[i];
                (metrics[i], cohorts[i], journeys[i], times[i]) = (key.MetricKey, key.Cohort.ToString(), key.Journey, key.TimeMs);
                values[i] = double.IsFinite(value) ? value : null;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO metric_samples (rollout_id, metric_key, cohort, journey, sample_time_ms, value) " +
                "SELECT @r, k, c, j, t, v FROM unnest(@k, @c, @j, @t, @v) AS s (k, c, j, t, v)" + (upsert ? UpsertConflict : "");
            AddParameter(command, "r", rolloutId);
            AddParameter(command, "k", metrics);
            AddParameter(command, "c", cohorts);
            AddParameter(command, "j", journeys);
            AddParameter(command, "t", times);
            AddParameter(command, "v", values);
            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (polledTo is { } mark)
        {
            await connection.ExecuteAsync(new CommandDefinition(MoveMarkSql, new { rolloutId, polledTo = UnixTime.ToMs(mark) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// SQLite finds a named parameter by a linear search of the statement's names (a 3,000-parameter statement spent most
    /// of a poll binding), and a statement per row made a kilobyte of garbage a sample: the rows go as one JSON text a
    /// statement (<see cref="SqliteSampleRowsJson"/>), unpacked by SQLite itself. SQLite has one writer, so the rows go in transactions of
    /// <see cref="SqliteRowsPerTransaction"/>, each taking its turn after any command waiting (<see cref="WriteTurns"/>):
    /// an hour of back-fill no longer holds the lock for its whole write. Nothing judges the minutes until the poll
    /// moves the rollout's polled-up-to mark past them, in its last transaction; a poll cut off half-way writes them
    /// again. A poll's write (<paramref name="poll"/>) reads the mark inside each transaction and stores only the minutes
    /// at or after it.
    /// </summary>
    private async Task<int> UpsertOnSqliteAsync(long rolloutId, IReadOnlyList<SampleRow> rows, bool poll, DateTimeOffset? polledTo, CancellationToken cancellationToken)
    {
        var chunks = rows.Chunk(SqliteRowsPerTransaction).ToList();
        if (chunks.Count == 0 && polledTo is not null)
        {
            chunks.Add([]); // the mark moves all the same
        }

        var written = 0;
        var rowsJson = new SqliteSampleRowsJson(Math.Min(rows.Count, SqliteRowsPerStatement));
        for (var index = 0; index < chunks.Count; index++)
        {
            using var turn = await connections.Writes.BackgroundAsync(cancellationToken);
            await using var connection = await connections.OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE: SQLite's one write lock is held from here, so the mark read below stands until the commit,
            // whichever process or instance writes next.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            IReadOnlyList<SampleRow> chunk = chunks[index];
            if (poll && chunk.Count > 0)
            {
                chunk = AtOrAfter(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ReadMarkSql, new { rolloutId }, transaction, cancellationToken: cancellationToken)), chunk);
            }

            if (chunk.Count > 0)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                // WHERE true: without it SQLite would read ON CONFLICT as a join's ON.
                insert.CommandText = SqliteInsertFromJsonSql + UpsertConflict;
                // Named as in the text, "@" included: a bare name is looked up, missed, and looked up again with each prefix.
                AddParameter(insert, "@r", rolloutId);
                var json = AddParameter(insert, "@rows", "");
                for (var start = 0; start < chunk.Count; start += SqliteRowsPerStatement)
                {
                    json.Value = rowsJson.Write(chunk, start, Math.Min(SqliteRowsPerStatement, chunk.Count - start));
                    written += await insert.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            if (index == chunks.Count - 1 && polledTo is { } mark)
            {
                await connection.ExecuteAsync(new CommandDefinition(MoveMarkSql, new { rolloutId, polledTo = UnixTime.ToMs(mark) }, transaction, cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return written;
    }

    public async Task<IReadOnlyList<MetricSample>> ReadAsync(long rolloutId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT metric_key, cohort, journey, sample_time_ms, value FROM metric_samples " +
            "WHERE rollout_id = @rolloutId AND sample_time_ms >= @from AND sample_time_ms < @to ORDER BY sample_time_ms, metric_key, cohort, journey";
        AddParameter(command, "rolloutId", rolloutId);
        AddParameter(command, "from", UnixTime.ToMs(from));
        AddParameter(command, "to", UnixTime.ToMs(to));

        // Every poll reads the rollout's samples again (hundreds of thousands at 72 h): typed getters instead of a
        // mapper's boxed values, and each metric key and journey kept once instead of once per row.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<MetricSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var journey = Shared(reader.GetString(2));
            samples.Add(new MetricSample(
                Shared(reader.GetString(0)),
                CohortOf(reader.GetString(1)),
                journey is "" ? null : journey,
                UnixTime.FromMs(reader.GetInt64(3)),
                reader.IsDBNull(4) ? double.NaN : reader.GetDouble(4)));
        }

        return samples;

        string Shared(string text)
        {
            if (names.TryGetValue(text, out var kept))
            {
                return kept;
            }

            names[text] = text;
            return text;
        }
    }

    private static Cohort CohortOf(string text) => text switch
    {
        nameof(Cohort.Control) => Cohort.Control,
        nameof(Cohort.Canary) => Cohort.Canary,
        _ => Enum.Parse<Cohort>(text),
    };

    private static DbParameter AddParameter(DbCommand command, string name, object value, DbType? type = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        if (type is { } dbType)
        {
            parameter.DbType = dbType;
        }

        command.Parameters.Add(parameter);
        return parameter;
    }

    public async Task<DateTimeOffset?> LatestSampleTimeAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(sample_time_ms) FROM metric_samples WHERE rollout_id = @rolloutId", new { rolloutId }, cancellationToken: cancellationToken));
        return UnixTime.FromMs(latest);
    }
}
