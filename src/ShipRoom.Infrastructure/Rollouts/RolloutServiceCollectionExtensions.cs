using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;
using ShipRoom.Infrastructure.MetricSources.Prometheus;

namespace ShipRoom.Infrastructure.Rollouts;

public static class RolloutServiceCollectionExtensions
{
    /// <summary>The rollout application services: commands, polling, snapshots, metric sources, the demo.</summary>
    public static IServiceCollection AddShipRoomRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PollScheduleOptions, PollScheduleOptionsValidator>(configuration, ConfigurationKeys.PollingSection);
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<PollScheduleOptions>>().Value);
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration, ConfigurationKeys.DemoSection);
        services.AddValidatedOptions<PrometheusOptions, PrometheusOptionsValidator>(configuration, ConfigurationKeys.PrometheusSection);
        services.AddHttpClient(PrometheusMetricSource.HttpClientName);
        services.AddSingleton<PrometheusMetricSource>();
        services.AddSingleton<MetricSourceResolver>();
        services.AddSingleton<PlanCache>();
        services.AddSingleton<Telemetry.RolloutMetrics>();
        services.AddSingleton<SnapshotBuilder>();
        services.AddSingleton<SnapshotRefresher>();
        services.AddSingleton<DeferredRollbacks>();
        services.AddHostedService<DeferredRollbackFlusher>();
        services.AddSingleton<RolloutCommandService>();
        services.AddSingleton<RolloutService>();
        services.AddSingleton<ChecklistService>();
        services.AddSingleton<PhaseSummaryService>();
        services.AddSingleton<RosterService>();
        services.AddSingleton<RolloutPoller>();
        services.AddSingleton<DemoRolloutKeeper>();
        services.AddSingleton<Security.ApiTokenService>();
        services.AddHttpClient(Probes.HttpProbeRunner.HttpClientName);
        services.AddSingleton<Probes.HttpProbeRunner>();
        services.AddSingleton<Probes.ProbeService>();
        services.AddValidatedOptions<Notifications.NotificationOptions, Notifications.NotificationOptionsValidator>(configuration, ConfigurationKeys.NotificationsSection);
        // The chat webhooks' and the deploy webhook's addresses carry their secrets in the path, which HttpClient's own
        // request logging would write out: those clients log nothing themselves.
        services.AddHttpClient(Notifications.NotificationService.HttpClientName).RemoveAllLoggers();
        services.AddSingleton<Notifications.PostTemplateService>();
        services.AddSingleton<Notifications.NotificationService>();
        services.AddSingleton<Reports.ScorecardService>();
        services.AddSingleton<Reports.RolloutArchiveService>();
        services.AddValidatedOptions<Deploy.DeployOptions, Deploy.DeployOptionsValidator>(configuration, ConfigurationKeys.DeploySection);
        services.AddHttpClient(Deploy.WebhookDeployExecutor.HttpClientName).RemoveAllLoggers();
        var deploy = configuration.GetSection(ConfigurationKeys.DeploySection).Get<Deploy.DeployOptions>() ?? new Deploy.DeployOptions();
        if (!string.IsNullOrWhiteSpace(deploy.WebhookUrl))
        {
            services.TryAddSingleton<IDeployExecutor, Deploy.WebhookDeployExecutor>();
        }
        else if (!string.IsNullOrWhiteSpace(deploy.CommandProgram))
        {
            services.TryAddSingleton<IDeployExecutor, Deploy.CommandDeployExecutor>();
        }
        else
        {
            services.TryAddSingleton<IDeployExecutor, RecordOnlyExecutor>();
        }
        return services;
    }
}
