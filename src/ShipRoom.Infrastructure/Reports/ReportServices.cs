using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Reports;

public static class ReportServices
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ScorecardService>();
        services.AddSingleton<RolloutRecordTables>();
        services.AddSingleton<RolloutArchiveService>();
        services.AddSingleton<PostmortemService>();
        return services;
    }
}
