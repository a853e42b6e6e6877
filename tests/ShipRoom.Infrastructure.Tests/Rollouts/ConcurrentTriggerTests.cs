using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// Two instances judge the same rollout at the same moment, after a "PII risk" signal the shipped fast plan rolls back
/// on: one rollback is carried out, and both answer with the rollout as it now is, never the stale "Running" of the
/// judgement whose command met the other's.
/// </summary>
public abstract class ConcurrentTriggerTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_acting_on_the_same_trigger_at_once_roll_back_once_and_both_say_so()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        await using var second = host.SecondInstance();
        for (var round = 0; round < 3; round++)
        {
            var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(3));
            var now = host.Time.GetUtcNow();
            await host.Get<ISignalRepository>().InsertAsync(id, new NewSignal("pii-risk", "log-scanner", "emails in checkout logs", null, "test", now, now, $"round-{round}"), Ct);

            var answers = await Task.WhenAll(host.Poller.JudgeAndActAsync(id, Ct), second.Poller.JudgeAndActAsync(id, Ct));

            // Each answer is the rollout as it is when that instance looked again: rolling back (the other instance's
            // rollback under way) or rolled back; never the Running its own stale judgement saw.
            Assert.All(answers, a => Assert.Contains(a!.Status, new[] { RolloutStatus.RollingBack, RolloutStatus.RolledBack }));
            Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
            var rollbacks = (await host.Database.Decisions.ListAsync(id, 20, Ct)).Where(d => d.Kind == RolloutCommand.RollBack && d.Outcome == DecisionOutcome.Executed);
            Assert.Single(rollbacks);
        }
    }
}

public sealed class SqliteConcurrentTriggerTests() : ConcurrentTriggerTests(new SqliteEngine());

public sealed class PostgresConcurrentTriggerTests(PostgresServer server) : ConcurrentTriggerTests(new PostgresEngine(server));
