using BenchmarkDotNet.Attributes;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Benchmarks;

/// <summary>
/// One steady poll of a rollout, whole, as the scheduler runs it on the embedded SQLite: read the new minute from the
/// simulator, record it, judge, act and publish (to nobody, as for the bench's unwatched rollouts). The shipped
/// 1% → 100% plan, started <see cref="MinutesIn"/> minutes before the first of six set-up polls; it stays in its first
/// phase (auto-advance is off, as for the bench's rollouts), past its observation window. Each iteration moves the clock
/// one minute, so every measured poll brings exactly one minute, as the poll CPU row of <c>scripts/bench.sh</c> counts
/// them; the rollout ages a minute with each, so compare runs of the same iteration counts.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class PollBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private SqlitePollHost _host = null!;
    private long _rolloutId;

    [Params(30)]
    public int MinutesIn { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _host = await SqlitePollHost.StartAsync(Start);
        _rolloutId = await _host.CreateRolloutAsync(TimeSpan.FromMinutes(MinutesIn));

        // The first poll back-fills the hour before the phase; the next ones are steady, as after the bench's back-fill.
        await _host.PollAsync(_rolloutId);
        for (var minute = 0; minute < 5; minute++)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(1));
            await _host.PollAsync(_rolloutId);
        }
    }

    [IterationSetup]
    public void NextMinute() => _host.Time.Advance(TimeSpan.FromMinutes(1));

    [Benchmark(Description = "One steady poll (one new minute), read to publish")]
    public Task<PollOutcome> Poll() => _host.PollAsync(_rolloutId);

    [GlobalCleanup]
    public async Task Cleanup() => await _host.DisposeAsync();
}
