using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Health;

/// <summary>
/// Brings storage up to date and seeds the first admin before the server takes requests.
/// A hosted service rather than code after Build() so that test hosts run it too.
/// </summary>
public sealed class StartupTasks(
    IServiceProvider services,
    IOptions<StorageOptions> storage,
    ReadinessState readiness,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(storage.Value.StartupTimeoutSeconds));
        await using var scope = services.CreateAsyncScope();
        try
        {
            var applied = await scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateAsync(timeout.Token);
            logger.LogInformation("Storage ready on {Provider}; {Count} migration(s) applied", storage.Value.Provider, applied.Count);
        }
        catch (Exception exception) when (exception is not StartupException && !cancellationToken.IsCancellationRequested)
        {
            throw new StartupException(
                $"Storage on {storage.Value.Provider} could not be reached or migrated within {storage.Value.StartupTimeoutSeconds} s: {exception.Message} " +
                $"Check {ConfigurationKeys.ConnectionString} and {ConfigurationKeys.StorageProvider}, and that the database server is running.",
                exception);
        }

        await scope.ServiceProvider.GetRequiredService<InitialAdminSeeder>().SeedAsync(cancellationToken);
        readiness.MarkStorageReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
