using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public sealed class RosterServiceTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Release_engineering_fills_the_roster_and_missing_primaries_or_backups_are_flagged()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
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
}
