using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// What a rollback costs in storage before its deploy call, counted by SQLite's own trace on the app's composition: every
/// statement before the deploy call is time the Incident Commander waits, and on a busy database each round trip can
/// wait for a core. The command's calls share one connection (given back while a deploy system is called), and its
/// snapshot's reads another.
/// </summary>
public sealed class CommandCostTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rollback_reaches_its_deploy_call_in_five_statements_and_shares_one_connection_with_its_record()
    {
        await using var app = await LiveApp.CreateAsync();
        var id = await app.StartRolloutAsync();
        await app.Get<RolloutPoller>().PollAsync(id, Ct);

        app.Connections.Reset();
        var result = await app.Get<RolloutCommandService>().ExecuteAsync(
            new CommandRequest(id, RolloutCommand.RollBack, new CommandActor("ic", [Roles.IncidentCommander]), "canary errors climbing"), Ct);
        Assert.NotNull(await result.Published);

        var texts = app.Connections.Texts.Where(t => !t.StartsWith("-- ", StringComparison.Ordinal)).ToList();
        var output = Xunit.TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{result.Status}: {texts.Count} statements, {app.Connections.Opens} connections opened (the command and its snapshot)");
        texts.ForEach(t => output?.WriteLine(t.Length > 110 ? t[..110] : t));

        Assert.Equal(CommandStatus.Executed, result.Status);
        // The last write before the deploy call marks the decision Pending with the state it moved to (recovery's cue).
        var beforeDeploy = texts.FindIndex(t => t.StartsWith("UPDATE decisions SET outcome = 'Pending'", StringComparison.Ordinal)) + 1;
        Assert.True(beforeDeploy > 0, "the decision was never marked as waiting for the deploy system");
        // Read the rollout, claim the decision (the row comes back with the insert), read the recent decisions, move the
        // state, mark the decision: 5. It was 6 and 6 connections on 2026-12-06, before the insert returned the row.
        Assert.True(beforeDeploy <= 5, $"{beforeDeploy} statements before the deploy call:\n{string.Join('\n', texts.Take(beforeDeploy))}");
        Assert.DoesNotContain(texts.Take(beforeDeploy), t => t.Contains("FROM decisions WHERE id =", StringComparison.Ordinal));
        // No deploy system here, so nothing to wait for: one connection for the whole command (one before the deploy
        // call and one after where there is a deploy system), and one or two for its snapshot's reads, which may go
        // side by side. 12 for both before they shared.
        Assert.InRange(app.Connections.Opens, 2, 3);
    }
}
