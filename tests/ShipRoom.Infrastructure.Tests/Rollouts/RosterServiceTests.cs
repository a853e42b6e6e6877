using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public abstract class RosterServiceTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Release_engineering_fills_the_roster_and_missing_primaries_or_backups_are_flagged()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var id = await host.StartRolloutAsync();
        var service = host.Get<RosterService>();
        var entry = new RosterEntry("incident-commander", "Dana SRE", "+1 415 555 0100", "@dana", "America/Los_Angeles", null, null, null, null, 1);

        var updated = await service.UpdateAsync(id, entry, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var forbidden = await service.UpdateAsync(id, entry, RolloutTestHost.IncidentCommander, Ct);
        var badZone = await service.UpdateAsync(id, entry with { PrimaryTimeZone = "Mars/Olympus" }, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var unknownRole = await service.UpdateAsync(id, entry with { Role = "janitor" }, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);

        Assert.Equal(CommandStatus.Executed, updated.Status);
        Assert.Equal(CommandStatus.Forbidden, forbidden.Status);
        Assert.Contains("is not a time zone", badZone.Message);
        Assert.Contains("no role 'janitor'", unknownRole.Message);
        var roster = host.Published.Latest!.Roster;
        Assert.Equal(13, roster.Count);
        var ic = roster.Single(r => r.Role == "incident-commander");
        Assert.Equal(("Dana SRE", "no backup"), (ic.Entry!.PrimaryName, ic.Missing));
        Assert.Equal("no primary", roster.Single(r => r.Role == "owner-payments").Missing);
        var audit = Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "roster.updated"), Ct));
        Assert.DoesNotContain("555", audit.Summary);
    }

    [Fact]
    public async Task A_new_rollout_fills_its_empty_roles_from_the_last_rollouts_roster_and_keeps_what_it_already_has()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        var releng = RolloutTestHost.Person("releng", Roles.ReleaseEngineer);
        var roster = host.Get<RosterService>();
        var first = await host.StartRolloutAsync();
        var nothingYet = await roster.CopyLatestAsync(first, releng, Ct);
        await roster.UpdateAsync(first, new RosterEntry("incident-commander", "Dana SRE", "+1 415 555 0100", "@dana", "America/Los_Angeles", "Lee", null, "@lee", "Europe/Berlin", 1), releng, Ct);
        await roster.UpdateAsync(first, new RosterEntry("owner-payments", "Priya", null, "@priya", "Asia/Kolkata", "Sam", null, "@sam", null, 2), releng, Ct);

        var second = await host.StartRolloutAsync();
        await roster.UpdateAsync(second, new RosterEntry("owner-payments", "Noor", null, "@noor", null, null, null, null, null, 2), releng, Ct);
        var forbidden = await roster.CopyLatestAsync(second, RolloutTestHost.IncidentCommander, Ct);
        var copied = await roster.CopyLatestAsync(second, releng, Ct);

        Assert.Equal(CommandStatus.Invalid, nothingYet.Status);
        Assert.Contains("no earlier rollout has a roster", nothingYet.Message);
        Assert.Equal(CommandStatus.Forbidden, forbidden.Status);
        Assert.Equal(CommandStatus.Executed, copied.Status);
        Assert.Equal($"1 role(s) copied from rollout {first}", copied.Message);
        var entries = host.Published.Latest!.Roster.Where(r => r.Entry is not null).ToDictionary(r => r.Role, r => r.Entry!);
        Assert.Equal(("Dana SRE", "Lee"), (entries["incident-commander"].PrimaryName, entries["incident-commander"].BackupName));
        Assert.Equal("Noor", entries["owner-payments"].PrimaryName);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: second, Kind: "roster.copied"), Ct));
    }
}

public sealed class SqliteRosterServiceTests() : RosterServiceTests(new SqliteEngine());

public sealed class PostgresRosterServiceTests(PostgresServer server) : RosterServiceTests(new PostgresEngine(server));
