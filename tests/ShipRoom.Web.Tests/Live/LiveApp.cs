using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// The web app's services exactly as <see cref="ShipRoomWebApplication.AddServices"/> composes them (store, reader,
/// directory, poller, commands) on a fresh SQLite database, with the clock under the test's control and every SQL
/// statement counted. Nothing is started: no scheduler polls behind the test's back.
/// </summary>
public sealed class LiveApp : IAsyncDisposable
{
    private LiveApp(TestDatabase database, ServiceProvider services, FakeTimeProvider time, CountingConnectionFactory connections)
    {
        Database = database;
        Services = services;
        Time = time;
        Connections = connections;
    }

    public TestDatabase Database { get; }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public CountingConnectionFactory Connections { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<LiveApp> CreateAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await new SqliteEngine().CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = database.Options.Provider,
            ["ConnectionStrings:ShipRoom"] = database.Options.ConnectionString,
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        ShipRoomWebApplication.AddServices(services, configuration);
        var time = new FakeTimeProvider(RolloutTestHost.Start);
        var connections = new CountingConnectionFactory(StorageServiceCollectionExtensions.CreateConnectionFactory(database.Options));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(StorageServiceCollectionExtensions.Sharing(connections));
        return new LiveApp(database, services.BuildServiceProvider(), time, connections);
    }

    /// <summary>A rollout of the shipped 1% → 100% plan on the simulator, running since <paramref name="startedAgo"/>.</summary>
    public async Task<long> StartRolloutAsync(TimeSpan? startedAgo = null)
    {
        var result = await Get<RolloutService>().CreateAsync(RolloutTestHost.PlanText(), "directive-004-ramp-1-10-25-50-100.yaml", new CommandActor("releng", [Roles.ReleaseEngineer]),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings("healthy", 0, 7, false), 1, startedAgo ?? TimeSpan.FromMinutes(5)),
            Xunit.TestContext.Current.CancellationToken);
        Assert.True(result.Created, string.Join("\n", result.Problems));
        return result.RolloutId!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
