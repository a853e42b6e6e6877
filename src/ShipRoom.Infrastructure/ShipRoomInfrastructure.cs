using ShipRoom.Infrastructure.MetricSources.Selection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.Demo;
using ShipRoom.Infrastructure.ChatActions;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.PostSuccess;
using ShipRoom.Infrastructure.Probes;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Cluster;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Signals;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Infrastructure.Telemetry;

namespace ShipRoom.Infrastructure;

/// <summary>
/// Composes the rollout services. Each area registers itself (its folder's <c>Add…</c>), so no folder depends back on
/// the code that composes it; storage and scheduling are added by the host beside this.
/// </summary>
public static class ShipRoomInfrastructure
{
    public static IServiceCollection AddShipRoomRollouts(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddRolloutTelemetry()
            .AddRolloutBasics(configuration)
            .AddMetricSources(configuration)
            .AddDeploy(configuration)
            .AddSnapshots()
            .AddCluster()
            .AddFreezes()
            .AddRolloutCommands()
            .AddPolling()
            .AddSignals()
            .AddProbes()
            .AddNotifications(configuration)
            .AddChatActions()
            .AddReports()
            .AddPostSuccess()
            .AddDemo(configuration)
            .AddApiTokens(configuration);
}
