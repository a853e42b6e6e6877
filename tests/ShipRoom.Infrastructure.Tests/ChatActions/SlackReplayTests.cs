using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Infrastructure.ChatActions;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.ChatActions;

/// <summary>
/// Slack's replay refusal is cluster-wide, on SQLite and PostgreSQL: two instances (each its own
/// <see cref="SlackSignature"/> and connection pool) on one database; a signed request accepted by one is a replay at
/// the other, and the stored signatures are pruned once they are older than twice the 5-minute window.
/// </summary>
public abstract class SlackReplayTests(IStorageEngine engine)
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_accepted_by_one_instance_is_refused_as_a_replay_by_another_and_old_signatures_are_pruned()
    {
        await using var database = await engine.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var a = new SlackSignature(time, new SlackRequestSignatureRepository(database.Connections), NullLogger<SlackSignature>.Instance);
        var otherPool = StorageServiceCollectionExtensions.CreateConnectionFactory(database.Options);
        var b = new SlackSignature(time, new SlackRequestSignatureRepository(otherPool), NullLogger<SlackSignature>.Instance);
        string Ts() => time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        const string click = "payload=%7B%22type%22%3A%22block_actions%22%7D";
        var ts = Ts();
        var signature = SlackSignature.Sign(ts, click, Secret);
        Assert.Null(await a.AcceptAsync(ts, signature, click, Secret, Ct));
        Assert.Equal("this request was already received (replay)", await b.AcceptAsync(ts, signature, click, Secret, Ct));
        Assert.Equal("this request was already received (replay)", await a.AcceptAsync(ts, signature.ToUpperInvariant().Replace("V0=", "v0=", StringComparison.Ordinal), click, Secret, Ct));

        // Another click one second later is new to both.
        time.Advance(TimeSpan.FromSeconds(1));
        var later = Ts();
        Assert.Null(await b.AcceptAsync(later, SlackSignature.Sign(later, click, Secret), click, Secret, Ct));

        await using (var connection = await database.Connections.OpenAsync(Ct))
        {
            Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM slack_request_signatures"));
        }

        // Eleven minutes on, the first two can be replayed nowhere (their timestamps are stale) and a new request prunes them.
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("the timestamp is more than 5 minutes from now", await b.AcceptAsync(ts, signature, click, Secret, Ct));
        var fresh = Ts();
        Assert.Null(await a.AcceptAsync(fresh, SlackSignature.Sign(fresh, click, Secret), click, Secret, Ct));
        await using (var connection = await database.Connections.OpenAsync(Ct))
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM slack_request_signatures"));
        }

        if (otherPool is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}

public sealed class SqliteSlackReplayTests() : SlackReplayTests(new SqliteEngine());

public sealed class PostgresSlackReplayTests(PostgresServer server) : SlackReplayTests(new PostgresEngine(server));
