using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using ShipRoom.Infrastructure.Rollouts.Cluster;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>Another instance's change that arrives while the database blinks is not lost: the rebuild is tried again.</summary>
public sealed class RemoteRolloutChangesTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private sealed class LocalViewers : ILocalRolloutPublisher
    {
        public ConcurrentQueue<RolloutSnapshot> Received { get; } = new();

        public Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
        {
            Received.Enqueue(snapshot);
            return Task.CompletedTask;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {timeout.TotalSeconds} s");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_rebuild_that_fails_while_PostgreSQL_is_down_is_tried_again_and_reaches_the_viewers_once_it_is_back()
    {
        await using var postgres = await PostgresServer.StartPrivateAsync();
        await using var host = await RolloutTestHost.CreateAsync(new PostgresEngine(postgres));
        var id = await host.StartRolloutAsync();
        var viewers = new LocalViewers();
        var remote = new RemoteRolloutChanges(host.Snapshots, viewers, host.Get<IRolloutRepository>(), host.Get<LastKnownSnapshots>(), NullLogger<RemoteRolloutChanges>.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var applying = remote.RunAsync(stop.Token);

        await postgres.StopAsync();
        // The announcement arrives; the rebuild it asks for finds no database.
        remote.Enqueue(id);
        await WaitUntilAsync(() => remote.Failed >= 1, TimeSpan.FromSeconds(30), "the first rebuild failing");
        Assert.Empty(viewers.Received);

        await postgres.StartAgainAsync();
        // No second announcement: the retry alone brings the viewers the snapshot.
        await WaitUntilAsync(() => !viewers.Received.IsEmpty, TimeSpan.FromSeconds(60), "the retried rebuild reaching the viewers");
        Assert.Equal(id, Assert.Single(viewers.Received).Id);
        Assert.Equal(1, remote.Applied);
        Assert.Empty(remote.Parked);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => applying);
    }
}
