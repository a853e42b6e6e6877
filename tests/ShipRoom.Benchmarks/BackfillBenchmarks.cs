using BenchmarkDotNet.Attributes;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Benchmarks;

/// <summary>
/// A new rollout's first poll, whole, on the embedded SQLite: the hour before its phase began and the minutes since, read
/// from the simulator, stored, judged and published (to nobody). The figure to watch is what it allocates: a hundred of
/// these side by side are the back-fill <c>scripts/bench.sh</c> gives its rollbacks in, and the garbage collections they
/// bring pause every request the server is answering. Each iteration polls a rollout created for it, so the rollouts add
/// up as in the bench (each keeps its judged window).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class BackfillBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private SqlitePollHost _host = null!;
    private long _rolloutId;

    /// <summary>How long before the first poll the rollout's first phase began (the poll reads an hour before it too).</summary>
    [Params(5)]
    public int MinutesIn { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _host = await SqlitePollHost.StartAsync(Start);
        await _host.PollAsync(await _host.CreateRolloutAsync(TimeSpan.FromMinutes(MinutesIn)));
    }

    [IterationSetup]
    public void NewRollout() => _rolloutId = _host.CreateRolloutAsync(TimeSpan.FromMinutes(MinutesIn)).GetAwaiter().GetResult();

    [Benchmark(Description = "A new rollout's first poll (an hour and its minutes of back-fill), read to publish")]
    public Task<PollOutcome> FirstPoll() => _host.PollAsync(_rolloutId);

    [GlobalCleanup]
    public async Task Cleanup() => await _host.DisposeAsync();
}
