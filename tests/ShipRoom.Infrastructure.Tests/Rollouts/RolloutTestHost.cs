using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure;
using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// The rollout services as the app composes them, on a real database, with the clock under the test's control and
/// the published snapshots kept for assertions.
/// </summary>
public sealed class RolloutTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly bool _ownsDatabase;

    private RolloutTestHost(TestDatabase database, IDeployExecutor? executor, FakeTimeProvider? time, bool ownsDatabase = true, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        Time = time ?? new FakeTimeProvider(Start);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = database.Options.Provider,
            ["ConnectionStrings:ShipRoom"] = database.Options.ConnectionString,
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddShipRoomStorage(configuration);
        services.AddShipRoomRollouts(configuration);
        services.AddSingleton<IRolloutPublisher>(Published);
        if (executor is not null)
        {
            services.AddSingleton(executor);
        }

        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public PublishedSnapshots Published { get; } = new();

    public RolloutPoller Poller => _services.GetRequiredService<RolloutPoller>();

    public RolloutCommandService Commands => _services.GetRequiredService<RolloutCommandService>();

    public RolloutService Rollouts => _services.GetRequiredService<RolloutService>();

    public SnapshotBuilder Snapshots => _services.GetRequiredService<SnapshotBuilder>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<RolloutTestHost> CreateAsync(IStorageEngine engine, IDeployExecutor? executor = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await engine.CreateAsync(), executor, null, settings: settings);

    /// <summary>A host with some of its services replaced (registered after the app's, so they win).</summary>
    public static async Task<RolloutTestHost> CreateAsync(IStorageEngine engine, Action<IServiceCollection> configure) =>
        new(await engine.CreateAsync(), null, null, configure: configure);

    /// <summary>A host whose clock starts at <paramref name="start"/>: a rollout on recorded Prometheus history runs on the recorded hours.</summary>
    public static async Task<RolloutTestHost> CreateAsync(IStorageEngine engine, DateTimeOffset start, IReadOnlyDictionary<string, string?> settings, IDeployExecutor? executor = null) =>
        new(await engine.CreateAsync(), executor, new FakeTimeProvider(start), settings: settings);

    /// <summary>A rollout of a shipped plan reading Prometheus, advancing by itself when the engine says GO.</summary>
    public async Task<long> StartPrometheusRolloutAsync(string plan, bool autoAdvance = true, Func<string, string>? editPlan = null)
    {
        var result = await Rollouts.CreateAsync(editPlan is null ? PlanText(plan) : editPlan(PlanText(plan)), plan, Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Prometheus, new RolloutSourceSettings(AutoAdvance: autoAdvance, SimulatedProbes: true), 1, TimeSpan.Zero),
            Xunit.TestContext.Current.CancellationToken);
        Assert.True(result.Created, string.Join("\n", result.Problems) + result.Refusal);
        return result.RolloutId!.Value;
    }

    /// <summary>A second instance (its own services and caches) on the same database and clock.</summary>
    public RolloutTestHost SecondInstance(IReadOnlyDictionary<string, string?>? settings = null) => new(Database, null, Time, ownsDatabase: false, settings: settings);

    public static string PlanText(string name = "directive-004-ramp-1-10-25-50-100.yaml") => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", name));

    public static int PlanPhases(string name) => Core.Plans.PlanParser.Parse(PlanText(name), name).Plan!.Phases.Count;

    public static CommandActor Person(string name, params string[] roles) => new(name, roles);

    public static CommandActor IncidentCommander { get; } = Person("ic", Roles.IncidentCommander);

    /// <summary>A rollout on the simulator, running from phase one started <paramref name="startedAgo"/> before now.</summary>
    public async Task<long> StartRolloutAsync(string scenario = "healthy", int scenarioPhase = 0, bool autoAdvance = false, TimeSpan? startedAgo = null, string plan = "directive-004-ramp-1-10-25-50-100.yaml", Func<string, string>? editPlan = null)
    {
        var text = editPlan is null ? PlanText(plan) : editPlan(PlanText(plan));
        var result = await Rollouts.CreateAsync(text, plan, Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(scenario, scenarioPhase, 7, autoAdvance), 1, startedAgo ?? TimeSpan.Zero),
            Xunit.TestContext.Current.CancellationToken);
        Assert.True(result.Created, string.Join("\n", result.Problems));
        return result.RolloutId!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    public sealed class PublishedSnapshots : IRolloutPublisher
    {
        private readonly ConcurrentQueue<RolloutSnapshot> _snapshots = new();

        public IReadOnlyList<RolloutSnapshot> All => _snapshots.ToList();

        public RolloutSnapshot? Latest => _snapshots.LastOrDefault();

        /// <summary>How long each publish takes (a slow hub or many viewers).</summary>
        public TimeSpan Delay { get; set; }

        /// <summary>While set and not complete, every publish waits for it (viewers that have not been told yet).</summary>
        public Task? Held { get; set; }

        /// <summary>When set, every publish fails with it (a hub or cluster channel that broke).</summary>
        public Exception? Failure { get; set; }

        public async Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
        {
            if (Failure is { } failure)
            {
                throw failure;
            }

            if (Held is { } held)
            {
                await held.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            _snapshots.Enqueue(snapshot);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }
        }
    }
}
