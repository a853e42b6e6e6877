using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

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
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private FakeTimeProvider _time = null!;
    private RolloutPoller _poller = null!;
    private long _rolloutId;

    [Params(30)]
    public int MinutesIn { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("shiproom-poll-bench-").FullName;
        _time = new FakeTimeProvider(Start);
        var storage = new StorageOptions { Provider = "Sqlite", ConnectionString = $"Data Source={Path.Combine(_directory, "shiproom.db")}" };
        await new MigrationRunner(StorageServiceCollectionExtensions.CreateConnectionFactory(storage), Options.Create(storage), NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = storage.Provider,
            ["ConnectionStrings:ShipRoom"] = storage.ConnectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(_time);
        services.AddShipRoomStorage(configuration);
        services.AddShipRoomRollouts(configuration);
        services.AddSingleton<IRolloutPublisher, NobodyWatches>();
        _services = services.BuildServiceProvider();

        var plan = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml"));
        var created = await _services.GetRequiredService<RolloutService>().CreateAsync(plan, "plan.yaml", new CommandActor("releng", [Roles.ReleaseEngineer]),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(), 1, TimeSpan.FromMinutes(MinutesIn)), CancellationToken.None);
        _rolloutId = created.RolloutId ?? throw new InvalidOperationException($"the rollout was not created: {created.Refusal} {string.Join("; ", created.Problems)}");
        _poller = _services.GetRequiredService<RolloutPoller>();

        // The first poll back-fills the hour before the phase; the next ones are steady, as after the bench's back-fill.
        await PollAsync();
        for (var minute = 0; minute < 5; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await PollAsync();
        }
    }

    [IterationSetup]
    public void NextMinute() => _time.Advance(TimeSpan.FromMinutes(1));

    [Benchmark(Description = "One steady poll (one new minute), read to publish")]
    public Task<PollOutcome> Poll() => PollAsync();

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<PollOutcome> PollAsync()
    {
        var outcome = await _poller.PollAsync(_rolloutId, CancellationToken.None);
        return outcome.Kind == PollOutcomeKind.Polled
            ? outcome
            : throw new InvalidOperationException($"the poll did not poll: {outcome.Kind}, {string.Join("; ", outcome.Problems)}");
    }

    private sealed class NobodyWatches : IRolloutPublisher
    {
        public Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
