using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ShipRoom.Infrastructure.Configuration;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Scheduling;

public static class SchedulingSetup
{
    /// <summary>
    /// Quartz with the in-memory store on the embedded default, and the persistent, clustered store on PostgreSQL so
    /// that with several instances each scheduled poll runs on exactly one of them. Quartz creates its own tables
    /// (its schema ships inside Quartz.dll) the first time a scheduler starts against a database.
    /// </summary>
    public static IServiceCollection AddShipRoomScheduling(this IServiceCollection services, IConfiguration configuration, Action<IQuartzBuilder>? configureJobs = null)
    {
        var provider = configuration[ConfigurationKeys.StorageProvider];
        var connectionString = configuration.GetConnectionString(ConfigurationKeys.ConnectionStringName);
        services.AddQuartz(quartz =>
        {
            if (string.Equals(provider, nameof(StorageProvider.Postgres), StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(connectionString))
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(connectionString);
                    store.UseClustering();
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                });
            }

            // PollScheduleOptionsValidator stops start-up on a tick under a second; the floor only keeps Quartz from refusing it first.
            var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (configuration.GetSection(ConfigurationKeys.PollingSection).Get<PollScheduleOptions>()?.SchedulerTick ?? TimeSpan.FromSeconds(5)).Ticks));
            quartz.ScheduleJob<PollDueRolloutsJob>(
                trigger => trigger.WithIdentity("poll-due-rollouts-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(tick).RepeatForever()),
                job => job.WithIdentity(PollDueRolloutsJob.Key));
            quartz.ScheduleJob<ProbeJob>(
                trigger => trigger.WithIdentity("run-probes-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(tick).RepeatForever()),
                job => job.WithIdentity(ProbeJob.Key));
            var posts = configuration.GetSection(ConfigurationKeys.NotificationsSection).Get<Notifications.NotificationOptions>() ?? new Notifications.NotificationOptions();
            quartz.ScheduleJob<NotificationJob>(
                trigger => trigger.WithIdentity("ship-room-posts-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Clamp(posts.DispatchEverySeconds, 1, 300))).RepeatForever()),
                job => job.WithIdentity(NotificationJob.Key));
            quartz.ScheduleJob<ExecutionRecoveryJob>(
                trigger => trigger.WithIdentity("execution-recovery-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(30)).RepeatForever()),
                job => job.WithIdentity(ExecutionRecoveryJob.Key));
            quartz.ScheduleJob<PostmortemJob>(
                trigger => trigger.WithIdentity("postmortem-drafts-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(30)).RepeatForever()),
                job => job.WithIdentity(PostmortemJob.Key));
            quartz.ScheduleJob<PostSuccessJob>(
                trigger => trigger.WithIdentity("post-success-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(30)).RepeatForever()),
                job => job.WithIdentity(PostSuccessJob.Key));
            quartz.ScheduleJob<DemoKeeperJob>(
                trigger => trigger.WithIdentity("demo-keeper-tick", "shiproom").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(30)).RepeatForever()),
                job => job.WithIdentity(DemoKeeperJob.Key));
            configureJobs?.Invoke(quartz);
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
