using System.Collections.Concurrent;
using System.Diagnostics;
using ShipRoom.Infrastructure.Telemetry;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Telemetry;

/// <summary>
/// One update is one trace: poll, then judge and act under it; an automatic rollback is a command under act, with its
/// deploy and the one publish of the change under it (a poll that changes nothing publishes under the poll).
/// </summary>
public sealed class RolloutTracingTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("ShipRoom.Tests");
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public RolloutTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RolloutTracing.SourceName or "ShipRoom.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_poll_that_rolls_back_is_one_trace_of_poll_judge_act_command_deploy_publish()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var id = await host.StartRolloutAsync("payment-failures", 0);
        await host.Poller.PollAsync(id, ct);
        host.Time.Advance(TimeSpan.FromMinutes(6));

        ActivityTraceId trace;
        using (var root = TestSource.StartActivity("test"))
        {
            trace = root!.TraceId;
            await host.Poller.PollAsync(id, ct);
        }

        var spans = _stopped.Where(a => a.TraceId == trace && a.Source.Name == RolloutTracing.SourceName).ToList();
        var poll = Assert.Single(spans, s => s.OperationName == RolloutTracing.Poll);
        Assert.Equal(id, poll.GetTagItem(RolloutTracing.RolloutIdTag));
        Assert.Equal("Succeeded", poll.GetTagItem(RolloutTracing.OutcomeTag));
        Assert.Equal([RolloutTracing.Judge, RolloutTracing.Act], ChildrenOf(spans, poll));
        Assert.Single(spans, s => s.OperationName == RolloutTracing.Publish);
        var act = spans.Single(s => s.OperationName == RolloutTracing.Act);
        var command = Assert.Single(spans, s => s.OperationName == RolloutTracing.Command);
        Assert.Equal(act.SpanId, command.ParentSpanId);
        Assert.Equal("rollback", command.GetTagItem(RolloutTracing.CommandKindTag));
        Assert.Equal("Executed", command.GetTagItem(RolloutTracing.OutcomeTag));
        Assert.Equal([RolloutTracing.Deploy, RolloutTracing.Publish], ChildrenOf(spans, command));
    }

    private static string[] ChildrenOf(List<Activity> spans, Activity parent) =>
        [.. spans.Where(s => s.ParentSpanId == parent.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName)];
}
