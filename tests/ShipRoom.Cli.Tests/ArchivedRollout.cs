using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Cli.Tests;

/// <summary>
/// The audit archive of a real rollout, made the way the app makes one: the shipped plan on the simulator with
/// payment failures from the first phase, on a SQLite database, polled every rollout minute until its automatic
/// rollback, then archived to a file for `shiproom replay` to read.
/// </summary>
public sealed class ArchivedRollout : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-replay-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "rollout.zip");

    public async ValueTask InitializeAsync()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:ShipRoom"] = $"Data Source={System.IO.Path.Combine(_directory, "shiproom.db")}",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddShipRoomStorage(configuration)
            .AddShipRoomRollouts(configuration)
            .AddSingleton<IRolloutPublisher, NoViewers>();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IMigrationRunner>().MigrateAsync(ct);
        var plan = await File.ReadAllTextAsync(System.IO.Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), ct);
        var created = await provider.GetRequiredService<RolloutService>().CreateAsync(plan, "directive-004-ramp-1-10-25-50-100.yaml", new CommandActor("releng", [Core.Security.Roles.ReleaseEngineer]),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings("payment-failures", 0, 7, AutoAdvance: true), 1, TimeSpan.Zero), ct);
        var id = created.RolloutId ?? throw new InvalidOperationException(string.Join("; ", created.Problems));
        var rollouts = provider.GetRequiredService<IRolloutRepository>();
        for (var minute = 0; minute < 30 && !RolloutStateMachine.IsFinished((await rollouts.GetAsync(id, ct))!.Status); minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await provider.GetRequiredService<RolloutPoller>().PollAsync(id, ct);
        }

        var (_, zip) = (await provider.GetRequiredService<RolloutArchiveService>().BuildAsync(id, ct))!.Value;
        await File.WriteAllBytesAsync(Path, zip, ct);
        SqliteConnection.ClearAllPools();
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private sealed class NoViewers : IRolloutPublisher
    {
        public Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
