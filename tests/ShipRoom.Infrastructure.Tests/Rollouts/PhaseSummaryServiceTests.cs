using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public sealed class PhaseSummaryServiceTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pm_posts_a_summary_with_the_gate_kpis_attached_and_everyone_sees_it()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(10));
        await host.Poller.PollAsync(id, Ct);

        var result = await host.Get<PhaseSummaryService>().PostAsync(id, "SLOs green; **payments** 99.8%.", "go", RolloutTestHost.Person("pm", Roles.ProductManager), Ct);

        Assert.Equal(CommandStatus.Executed, result.Status);
        var summary = Assert.Single(host.Published.Latest!.Summaries);
        Assert.Equal(("pm", "GO", "1%"), (summary.Author, summary.Recommendation, summary.Phase));
        var stored = Assert.Single(await host.Get<IPhaseSummaryRepository>().ListAsync(id, Ct));
        var kpis = JsonDocument.Parse(stored.KpiSnapshot).RootElement;
        Assert.Equal("GREEN", kpis.GetProperty("overall").GetString());
        Assert.Equal(10, kpis.GetProperty("slos").GetArrayLength());
        Assert.Contains(kpis.GetProperty("payments").EnumerateArray(), k => k.GetProperty("name").GetString() == "Payments E2E success");
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "summary.posted"), Ct));
        Assert.Equal("GREEN", summary.OverallWhenPosted);
        Assert.Contains(summary.Kpis, k => k.Group == "Payments" && k.Name == "Payments E2E success" && k.Text.Contains('%'));
        Assert.Contains(summary.Kpis, k => k.Group == "SLOs" && k.Text.StartsWith("GREEN · ", StringComparison.Ordinal) && k.Text.Contains(" ms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Roles.IncidentCommander, "GO", CommandStatus.Forbidden)]
    [InlineData(Roles.Viewer, "GO", CommandStatus.Forbidden)]
    [InlineData(Roles.ProductManager, "MAYBE", CommandStatus.Invalid)]
    [InlineData(Roles.ProductManager, "", CommandStatus.Invalid)]
    [InlineData(Roles.ProductManager, "hold", CommandStatus.Executed)]
    [InlineData(Roles.Admin, "rollback", CommandStatus.Executed)]
    public async Task Only_pms_and_admins_post_and_only_go_hold_no_go_or_rollback(string role, string recommendation, CommandStatus expected)
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync();

        var result = await host.Get<PhaseSummaryService>().PostAsync(id, "text", recommendation, RolloutTestHost.Person("someone", role), Ct);

        Assert.Equal(expected, result.Status);
    }
}
