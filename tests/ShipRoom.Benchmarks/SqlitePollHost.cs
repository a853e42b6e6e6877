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
/// The rollout services on a fresh embedded SQLite file, as the app composes them, with the clock under the benchmark's
/// control; snapshots are published to nobody, as for the bench's unwatched rollouts. Rollouts run the shipped 1% → 100%
/// plan on the simulator, auto-advance off.
/// </summary>
internal sealed class SqlitePollHost : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;
    private readonly string _plan;

    private SqlitePollHost(string directory, ServiceProvider services, FakeTimeProvider time, string plan) =>
        (_directory, _services, Time, _plan) = (directory, services, time, plan);

    public FakeTimeProvider Time { get; }

    public RolloutPoller Poller => _services.GetRequiredService<RolloutPoller>();

    public static async Task<SqlitePollHost> StartAsync(DateTimeOffset start)
    {
        var directory = Directory.CreateTempSubdirectory("shiproom-poll-bench-").FullName;
        var time = new FakeTimeProvider(start);
        var storage = new StorageOptions { Provider = "Sqlite", ConnectionString = $"Data Source={Path.Combine(directory, "shiproom.db")}" };
        await new MigrationRunner(StorageServiceCollectionExtensions.CreateConnectionFactory(storage), Options.Create(storage), NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = storage.Provider,
            ["ConnectionStrings:ShipRoom"] = storage.ConnectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddShipRoomStorage(configuration);
        services.AddShipRoomRollouts(configuration);
        services.AddSingleton<IRolloutPublisher, NobodyWatches>();
        var plan = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml"));
        return new SqlitePollHost(directory, services.BuildServiceProvider(), time, plan);
    }

    /// <summary>A rollout whose first phase began <paramref name="startedAgo"/> before now.</summary>
    public async Task<long> CreateRolloutAsync(TimeSpan startedAgo)
    {
        var created = await _services.GetRequiredService<RolloutService>().CreateAsync(_plan, "plan.yaml", new CommandActor("releng", [Roles.ReleaseEngineer]),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(), 1, startedAgo), CancellationToken.None);
        return created.RolloutId ?? throw new InvalidOperationException($"the rollout was not created: {created.Refusal} {string.Join("; ", created.Problems)}");
    }

    public async Task<PollOutcome> PollAsync(long rolloutId)
    {
        var outcome = await Poller.PollAsync(rolloutId, CancellationToken.None);
        return outcome.Kind == PollOutcomeKind.Polled
            ? outcome
            : throw new InvalidOperationException($"the poll did not poll: {outcome.Kind}, {string.Join("; ", outcome.Problems)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class NobodyWatches : IRolloutPublisher
    {
        public Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
