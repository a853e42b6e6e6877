using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Deploy;

public static class DeployServices
{
    /// <summary>The deploy executor the configuration names: a webhook, a command, or (neither) record-only.</summary>
    public static IServiceCollection AddDeploy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DeployOptions, DeployOptionsValidator>(configuration, ConfigurationKeys.DeploySection);
        // The deploy webhook's address may carry a secret in its path, which HttpClient's own request logging would write out.
        services.AddHttpClient(WebhookDeployExecutor.HttpClientName).RemoveAllLoggers();
        var deploy = configuration.GetSection(ConfigurationKeys.DeploySection).Get<DeployOptions>() ?? new DeployOptions();
        if (!string.IsNullOrWhiteSpace(deploy.WebhookUrl))
        {
            services.TryAddSingleton<IDeployExecutor, WebhookDeployExecutor>();
            services.AddHostedService<DeployWarmUp>();
        }
        else if (!string.IsNullOrWhiteSpace(deploy.CommandProgram))
        {
            services.TryAddSingleton<IDeployExecutor, CommandDeployExecutor>();
        }
        else
        {
            services.TryAddSingleton<IDeployExecutor, RecordOnlyExecutor>();
        }

        return services;
    }
}
