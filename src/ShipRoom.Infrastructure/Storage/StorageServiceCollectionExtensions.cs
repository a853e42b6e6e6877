using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Storage on the engine ShipRoom:Storage:Provider names, with ConnectionStrings:ShipRoom, validated at start-up.
    /// Every repository is a singleton: each call takes a pooled connection and gives it back, or borrows the one its
    /// caller shares (SharedConnectionScope: a poll's calls).
    /// </summary>
    public static IServiceCollection AddShipRoomStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration, ConfigurationKeys.StorageSection)
            .PostConfigure(options => options.ConnectionString ??= configuration.GetConnectionString(ConfigurationKeys.ConnectionStringName));
        // Created on first use, so that building services never reads unvalidated options: start-up validation then
        // reports every problem at once instead of the first one a constructor happened to touch.
        services.AddSingleton<StorageCounters>();
        services.AddSingleton<IDbConnectionFactory>(provider => Sharing(new DeferredConnectionFactory(() =>
            CreateConnectionFactory(provider.GetRequiredService<IOptions<StorageOptions>>().Value, provider.GetRequiredService<StorageCounters>()))));
        services.AddSingleton<IMigrationRunner, MigrationRunner>();
        services.AddSingleton<StorageReachability>();
        services.AddSingleton<IUserRepository, UserRepository>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IRolloutRepository, RolloutRepository>();
        services.AddSingleton<ISampleRepository, SampleRepository>();
        services.AddSingleton<IPollRunRepository, PollRunRepository>();
        services.AddSingleton<IDecisionRepository, DecisionRepository>();
        services.AddSingleton<IApiTokenRepository, ApiTokenRepository>();
        services.AddSingleton<IProbeRunRepository, ProbeRunRepository>();
        services.AddSingleton<ISignalRepository, SignalRepository>();
        services.AddSingleton<IPageUpdateRepository, PageUpdateRepository>();
        services.AddSingleton<IChecklistRepository, ChecklistRepository>();
        services.AddSingleton<IPhaseSummaryRepository, PhaseSummaryRepository>();
        services.AddSingleton<IRosterRepository, RosterRepository>();
        services.AddSingleton<IPostmortemRepository, PostmortemRepository>();
        services.AddSingleton<IFreezeRepository, FreezeRepository>();
        services.AddSingleton<IPostSuccessRepository, PostSuccessRepository>();
        services.AddSingleton<ISlackRequestSignatureRepository, SlackRequestSignatureRepository>();
        services.AddSingleton<INotificationRepository, NotificationRepository>();
        services.AddSingleton<IJudgementHistoryRepository, JudgementHistoryRepository>();
        services.AddSingleton<IRolloutFactChangeRepository, RolloutFactChangeRepository>();
        return services;
    }

    /// <summary>What repositories are given: the engine's factory, lending a <see cref="SharedConnectionScope"/>'s connection where there is one.</summary>
    public static IDbConnectionFactory Sharing(IDbConnectionFactory engine) => new SharingConnectionFactory(engine);

    public static IDbConnectionFactory CreateConnectionFactory(StorageOptions options, StorageCounters? counters = null)
    {
        var provider = Enum.Parse<StorageProvider>(options.Provider, ignoreCase: true);
        return provider switch
        {
            StorageProvider.Postgres => new PostgresConnectionFactory(new NpgsqlDataSourceBuilder(options.ConnectionString).Build(), counters),
            _ => new SqliteConnectionFactory(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString, counters, options.CountStatements),
        };
    }
}
