using System.Text.Json;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// Directive 004's "SRE deliverables due in #ship-room within 30 minutes" and "Within 60 minutes …" on the shipped plan
/// (its T-2h list confirmWithin: 30m, T-1h list 60m): two instances look for due posts every five minutes and a
/// receiver on 127.0.0.1 stands in for the channel.
/// </summary>
public abstract class ConfirmationTests(IStorageEngine engine) : IAsyncDisposable
{
    private readonly ChatReceiver _chat = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _chat.DisposeAsync();

    private Dictionary<string, string?> Settings => _chat.Settings;

    private List<JsonElement> Posts(string kind) => _chat.Posts(kind);

    [Fact]
    public async Task The_30_minute_confirmations_are_posted_once_when_their_time_is_up_saying_what_is_done_and_what_is_not()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings);
        await using var second = host.SecondInstance(Settings);
        var id = await host.StartRolloutAsync();
        var releng = RolloutTestHost.Person("rel", Roles.ReleaseEngineer);
        var checklists = host.Get<ChecklistService>();
        Assert.True((await checklists.TickAsync(id, "t2h-start-time", TickStates.Done, releng, null, Ct)).Succeeded);
        Assert.True((await checklists.TickAsync(id, "t2h-roster", TickStates.Done, releng, null, Ct)).Succeeded);

        var seenAt = new Dictionary<string, int>();
        for (var minute = 5; minute <= 65; minute += 5)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            await ChatReceiver.SweepAsync(Ct, host, second);
            foreach (var key in Posts(PostKinds.Confirmations).Select(p => p.GetProperty("eventKey").GetString()!))
            {
                seenAt.TryAdd(key, minute);
            }
        }

        // Once each, not before its time: the T-2h list at 30 minutes, the T-1h list at 60.
        Assert.Equal(2, Posts(PostKinds.Confirmations).Count);
        Assert.Equal(30, seenAt[$"confirmations:{id}:0"]);
        Assert.Equal(60, seenAt[$"confirmations:{id}:1"]);
        var thirty = Posts(PostKinds.Confirmations).Single(p => p.GetProperty("eventKey").GetString() == $"confirmations:{id}:0");
        Assert.StartsWith("T-2h: 2 of 5 closed, 3 NOT confirmed yet for ", thirty.GetProperty("title").GetString());
        var text = thirty.GetProperty("text").GetString()!;
        Assert.Contains("• Propose the UTC start time at the lowest 7-day RPS trough (West Coast if tied): done by rel at ", text);
        Assert.Contains("• Confirm payment caps enforced (100 tx, $20 max, $1,500 total): NOT confirmed (ReleaseEngineer)", text);
    }

    [Fact]
    public async Task A_rollout_not_started_yet_is_confirmed_too_early_when_its_list_is_all_closed_and_on_time_when_it_is_not()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings);
        var plan = "directive-004-ramp-1-10-25-50-100.yaml";
        var created = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(plan), plan, RolloutTestHost.Person("rel", Roles.ReleaseEngineer),
            new NewRolloutOptions(ShipRoom.Infrastructure.MetricSources.Selection.MetricSourceNames.Simulator, new RolloutSourceSettings("healthy")), Ct);
        var id = created.RolloutId!.Value;
        Assert.Equal(Core.Rollouts.RolloutStatus.Scheduled, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        var checklists = host.Get<ChecklistService>();
        foreach (var key in new[] { "t2h-start-time", "t2h-roster", "t2h-dashboards", "t2h-one-pager", "t2h-caps" })
        {
            Assert.True((await checklists.TickAsync(id, key, TickStates.Done, RolloutTestHost.Person("rel", Roles.ReleaseEngineer), null, Ct)).Succeeded, key);
        }

        var seenAt = new Dictionary<string, int>();
        for (var minute = 5; minute <= 65; minute += 5)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await ChatReceiver.SweepAsync(Ct, host);
            foreach (var key in Posts(PostKinds.Confirmations).Select(p => p.GetProperty("eventKey").GetString()!))
            {
                seenAt.TryAdd(key, minute);
            }
        }

        // All five closed: posted at the first look, not at 30 minutes; the T-1h list an hour after creation although
        // nothing about the rollout changed in that hour.
        Assert.Equal(5, seenAt[$"confirmations:{id}:0"]);
        Assert.Equal(60, seenAt[$"confirmations:{id}:1"]);
        Assert.StartsWith("T-2h: all 5 closed for ", Posts(PostKinds.Confirmations).First().GetProperty("title").GetString());
    }
}

public sealed class SqliteConfirmationTests() : ConfirmationTests(new SqliteEngine());

public sealed class PostgresConfirmationTests(PostgresServer server) : ConfirmationTests(new PostgresEngine(server));
