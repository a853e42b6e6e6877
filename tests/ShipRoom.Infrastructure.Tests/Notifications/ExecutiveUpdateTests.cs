using System.Text.Json;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// The executive's scheduled updates of the shipped directive-000 plan ("Daily 10:00 local executive update";
/// "exec status twice daily" for 72 hours after launch), in the executive approver's time zone from the roster:
/// two instances look for due posts every few minutes and a receiver on 127.0.0.1 stands in for the channel.
/// </summary>
public abstract class ExecutiveUpdateTests(IStorageEngine engine) : IAsyncDisposable
{
    private const string Plan = "directive-000-staging-soak-then-10-50-100.yaml";

    // 09:30 in New York (EST, UTC-5) on the day the test runs its clock.
    private static readonly DateTimeOffset NineThirtyInNewYork = new(2026, 12, 2, 14, 30, 0, TimeSpan.Zero);

    private readonly ChatReceiver _chat = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _chat.DisposeAsync();

    private Dictionary<string, string?> Settings => _chat.Settings;

    private List<JsonElement> Posts(string kind) => _chat.Posts(kind);

    [Fact]
    public async Task The_daily_update_is_posted_once_at_10_00_in_the_executives_zone_and_tags_the_executive()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, NineThirtyInNewYork, Settings);
        await using var second = host.SecondInstance(Settings);
        var id = await host.StartRolloutAsync(plan: Plan);
        var executive = new RosterEntry("executive", "Casey Exec", null, "U0EXEC", "America/New_York", null, null, null, null, 1);
        Assert.Equal(CommandStatus.Executed, (await host.Get<RosterService>().UpdateAsync(id, executive, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct)).Status);

        for (var step = 1; step <= 12; step++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            await ChatReceiver.SweepAsync(Ct, host, second);
        }

        // 09:30 → 10:30 New York: one 10:00 slot, posted once by two instances looking twelve times each.
        var update = Assert.Single(Posts(PostKinds.ExecutiveUpdate));
        Assert.Equal($"exec-update:{id}:0:20261202T1500Z", update.GetProperty("eventKey").GetString());
        Assert.StartsWith("Daily executive update, 2026-12-02 10:00 America/New_York:", update.GetProperty("title").GetString());
        var text = update.GetProperty("text").GetString()!;
        Assert.Contains("SLOs and error budget:", text);
        Assert.Contains("Blocking issues (owner, due):", text);
        Assert.Equal("U0EXEC", update.GetProperty("mentions")[0].GetString());
    }

    [Fact]
    public async Task After_completion_the_status_goes_out_at_9_00_and_17_00_for_72_hours_and_then_stops()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, NineThirtyInNewYork, Settings);
        var id = await host.StartRolloutAsync(plan: Plan);
        await host.Get<RosterService>().UpdateAsync(id, new RosterEntry("executive", "Casey Exec", null, "U0EXEC", "America/New_York", null, null, null, null, 1),
            RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var live = (await host.Snapshots.BuildAsync(id, Ct))!;
        var plan = Core.Plans.PlanParser.Parse(RolloutTestHost.PlanText(Plan), Plan).Plan!;
        var completedAt = NineThirtyInNewYork;
        var completed = live with { Status = RolloutStatus.Completed };
        DecisionRecord Complete() => new(1, id, RolloutCommand.Complete, "ic", "done", "k", completedAt, completedAt, completedAt, DecisionOutcome.Executed, null, null, null, null);

        var slots = new List<string>();
        for (var at = completedAt; at <= completedAt.AddHours(80); at = at.AddMinutes(30))
        {
            slots.AddRange(ExecutiveUpdateSchedule.Due(completed, plan, [Complete()], at, TimeSpan.FromMinutes(60))
                .Where(s => s.Update.From == Core.Plans.ExecutiveUpdate.FromCompletion).Select(s => ExecutiveUpdateSchedule.KeyOf(id, s)));
        }

        // Completed at 09:30 New York on 2 December: 17:00 that day, then 09:00 and 17:00 for three days, none after 72 h.
        string[] expected = ["20261202T2200Z", "20261203T1400Z", "20261203T2200Z", "20261204T1400Z", "20261204T2200Z", "20261205T1400Z"];
        Assert.Equal(expected.Select(t => $"exec-update:{id}:1:{t}"), slots.Distinct());
        // A rollout that is not completed has no post-launch status, whatever its decisions say.
        Assert.DoesNotContain(ExecutiveUpdateSchedule.Due(live, plan, [Complete()], completedAt.AddHours(8), TimeSpan.FromMinutes(60)), s => s.Update.From == Core.Plans.ExecutiveUpdate.FromCompletion);
    }
}

public sealed class SqliteExecutiveUpdateTests() : ExecutiveUpdateTests(new SqliteEngine());

public sealed class PostgresExecutiveUpdateTests(PostgresServer server) : ExecutiveUpdateTests(new PostgresEngine(server));
