using Microsoft.Extensions.Options;
using ShipRoom.Core.Notifications;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// The cadence report as it would be posted now, from the rollout's current snapshot: for reading or pasting where no
/// channel is configured, and for checking a template's wording.
/// </summary>
public sealed class CadenceReportPreview(
    IRolloutRepository rollouts,
    SnapshotBuilder snapshots,
    PlanCache plans,
    PostTemplateService templates,
    IOptions<NotificationOptions> options)
{
    public async Task<ShipRoomPost?> CurrentReportAsync(long rolloutId, CancellationToken cancellationToken)
    {
        if (await rollouts.GetAsync(rolloutId, cancellationToken) is not { } rollout)
        {
            return null;
        }

        var snapshot = await snapshots.BuildAsync(rollout, cancellationToken);
        return PostComposer.Compose(new PostEvent(PostKinds.CadenceReport, $"preview:{rolloutId}"), snapshot, plans.Get(rollout),
            await templates.TemplateForAsync(PostKinds.CadenceReport, cancellationToken), options.Value.DashboardUrl);
    }
}
