using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.Configuration;
using ShipRoom.Infrastructure.MetricSources.Prometheus;

namespace ShipRoom.Infrastructure.MetricSources.Selection;

public static class MetricSourceServices
{
    public static IServiceCollection AddMetricSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PrometheusOptions, PrometheusOptionsValidator>(configuration, ConfigurationKeys.PrometheusSection);
        services.AddHttpClient(PrometheusMetricSource.HttpClientName);
        services.AddSingleton<PrometheusMetricSource>();
        services.AddSingleton<MetricSourceResolver>();
        return services;
    }
}
