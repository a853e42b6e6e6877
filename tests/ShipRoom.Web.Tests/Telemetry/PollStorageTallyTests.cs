using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Telemetry;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Telemetry;

/// <summary>
/// A poll's own storage, tallied in its flow on the shipped composition with statements counted: what the bench's
/// storage row reads from /metrics. The instruments are this app's own (other test apps share the meter's name).
/// </summary>
public sealed class PollStorageTallyTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_poll_tallies_its_own_statements_and_connections_and_nothing_the_server_runs_beside_it()
    {
        await using var factory = new ShipRoomAppFactory(new Dictionary<string, string?> { ["ShipRoom:Storage:CountStatements"] = "true" });
        // The scheduler's own polls would also do: every poll's tally is listened to, whoever asked for it. Pausing its
        // job only makes the poll asked for below the likely one.
        await (await factory.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Ct)).PauseJob(ShipRoom.Infrastructure.Scheduling.PollDueRolloutsJob.Key, Ct);
        var metrics = factory.Services.GetRequiredService<RolloutMetrics>();
        var counters = factory.Services.GetRequiredService<StorageCounters>();
        var measured = new System.Collections.Concurrent.ConcurrentQueue<(Instrument Instrument, long Value, string? Kind)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, metrics.PollStatements) || ReferenceEquals(instrument, metrics.PollConnections))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var kind = tags.ToArray().Where(t => t.Key == "kind").Select(t => t.Value as string).FirstOrDefault();
            measured.Enqueue((instrument, value, kind));
        });
        listener.Start();

        var (statementsBefore, writesBefore) = (counters.Statements, counters.SampleWrites);
        var id = await ApiTestHost.RunningRolloutAsync(factory);
        var client = ApiTestHost.Client(factory, await ApiTestHost.TokenAsync(factory, Roles.ReleaseEngineer));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/rollouts/{id}/poll", null, Ct)).StatusCode);
        var (statementsAfter, writesAfter) = (counters.Statements, counters.SampleWrites);

        var statements = measured.Where(m => m.Instrument == metrics.PollStatements && m.Kind == "other").Sum(m => m.Value);
        var sampleWrites = measured.Where(m => m.Instrument == metrics.PollStatements && m.Kind == "sample_write").Sum(m => m.Value);
        var opens = measured.Where(m => m.Instrument == metrics.PollConnections).ToList();
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"{opens.Count} poll(s): {statements} statements, {sampleWrites} sample writes, {opens.Sum(o => o.Value)} connections; the server meanwhile: {statementsAfter - statementsBefore} statements");
        // Every sample written in the window was a poll's, and tallied as such.
        Assert.True(sampleWrites > 0, $"the poll wrote its samples (on SQLite up to 400 a statement): {sampleWrites}");
        Assert.Equal(writesAfter - writesBefore, sampleWrites);
        // Creating the rollout, the token's check and the call's audit are the server's statements, not a poll's.
        Assert.InRange(statements, 5 * opens.Count, statementsAfter - statementsBefore - 10);
        Assert.All(opens, o => Assert.InRange(o.Value, 1, 3));
    }
}
