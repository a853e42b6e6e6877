using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>The postmortem draft after a real automatic rollback on the simulator, stored on SQLite and PostgreSQL.</summary>
public abstract class PostmortemTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<long> RolledBackAsync(RolloutTestHost host)
    {
        var id = await host.StartRolloutAsync("latency-regression");
        for (var i = 0; i < 12 && (await host.Database.Rollouts.GetAsync(id, Ct))!.Status != RolloutStatus.RolledBack; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
        }

        Assert.Equal(RolloutStatus.RolledBack, (await host.Database.Rollouts.GetAsync(id, Ct))!.Status);
        return id;
    }

    [Fact]
    public async Task A_rollback_gets_one_draft_from_the_record_with_only_measured_times_due_in_24_hours()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        await using var second = host.SecondInstance();
        var id = await RolledBackAsync(host);
        var service = host.Get<PostmortemService>();

        Assert.Equal(1, await service.DraftDueAsync(Ct));
        Assert.Equal(0, await second.Get<PostmortemService>().DraftDueAsync(Ct)); // another instance finds it drafted

        var pm = (await service.GetAsync(id, Ct))!;
        Assert.Equal(host.Time.GetUtcNow().AddHours(24), pm.DueAt);
        Assert.StartsWith("rolled back at 1%; trigger fired: ", pm.Cause);
        Assert.Contains("## Trigger and the values that fired it", pm.Markdown);
        Assert.Contains("→ ROLLBACK", pm.Markdown);
        Assert.Matches(@"Time to detect \(first bad minute → trigger fired\): \d", pm.Markdown);
        // No deploy system in this host: the rollback was recorded, not carried out, so nothing was measured.
        Assert.Contains("Time to roll back (request → deploy system acknowledged): not measured (recorded only", pm.Markdown);
        Assert.Contains("| time | what | who | reason | outcome |", pm.Markdown);
        Assert.Contains("## Checklists", pm.Markdown);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "postmortem.drafted"), Ct));
        Assert.Equal(pm.DueAt, (await host.Snapshots.BuildAsync(id, Ct))!.Postmortem!.DueAt);
    }

    [Fact]
    public async Task Only_the_ic_and_pms_edit_and_publish_and_a_published_postmortem_is_no_longer_edited()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await RolledBackAsync(host);
        var service = host.Get<PostmortemService>();
        await service.DraftDueAsync(Ct);
        var draft = (await service.GetAsync(id, Ct))!;

        var viewer = await service.EditAsync(id, RolloutTestHost.Person("vic", Roles.Viewer, Roles.ReleaseEngineer), "# mine", draft.Version, Ct);
        var edited = await service.EditAsync(id, RolloutTestHost.IncidentCommander, draft.Markdown + "\nRoot cause: cache keys.", draft.Version, Ct);
        var stale = await service.EditAsync(id, RolloutTestHost.Person("pam", Roles.ProductManager), "# stale", draft.Version, Ct);
        var published = await service.PublishAsync(id, RolloutTestHost.Person("pam", Roles.ProductManager), edited.Postmortem!.Version, Ct);
        var after = await service.EditAsync(id, RolloutTestHost.IncidentCommander, "# later", published.Postmortem!.Version, Ct);

        Assert.True(viewer.Forbidden);
        Assert.True(edited.Done);
        Assert.Equal("ic", edited.Postmortem!.UpdatedBy);
        Assert.True(stale.Conflict);
        Assert.True(published.Done);
        Assert.Equal("pam", published.Postmortem!.PublishedBy);
        Assert.False(after.Done);
        Assert.EndsWith("Root cause: cache keys.", (await service.GetAsync(id, Ct))!.Markdown);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "postmortem.refused"), Ct));
        Assert.True((await host.Snapshots.BuildAsync(id, Ct))!.Postmortem!.IsPublished);
    }

    [Fact]
    public async Task A_healthy_rollout_gets_no_postmortem()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.Poller.PollAsync(id, Ct);

        Assert.Equal(0, await host.Get<PostmortemService>().DraftDueAsync(Ct));
        Assert.Null(await host.Get<PostmortemService>().GetAsync(id, Ct));
    }

    [Fact]
    public void Recorded_text_cannot_become_the_drafts_own_markup()
    {
        var card = new Scorecard(1, "r", "v1", "abc", "RolledBack", "1%", DateTimeOffset.UnixEpoch, "ROLLBACK", [], null, "n/a", [], [],
            [new ScorecardDecision(DateTimeOffset.UnixEpoch, "rollback", "ic", "see [here](javascript:alert(1)) # not a heading", "Executed", null)], [], []);
        var md = PostmortemDraft.Write(new PostmortemFacts(card, "rolled back", null, [], [], [], null, DateTimeOffset.UnixEpoch));

        Assert.Contains(@"\[here\]\(javascript:alert\(1\)\) \# not a heading", md);
        Assert.Contains("Time to detect (first bad minute → trigger fired): not measured", md);
    }
}

public sealed class SqlitePostmortemTests() : PostmortemTests(new SqliteEngine());

public sealed class PostgresPostmortemTests(PostgresServer server) : PostmortemTests(new PostgresEngine(server));
