using System.Collections.Concurrent;
using ShipRoom.Infrastructure.Deploy;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>
/// A deploy system that acknowledges what it is asked (or refuses the actions named in <paramref name="failing"/>) and
/// keeps every action it received, so a test can say what ShipRoom sent.
/// </summary>
public sealed class RecordingDeploySystem(params string[] failing) : IDeployExecutor
{
    public ConcurrentQueue<DeployAction> Received { get; } = new();

    public string Name => "deploy-system";

    public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
    {
        Received.Enqueue(action);
        return Task.FromResult(failing.Contains(action.Action) ? ExecutorResult.Failed($"{action.Action} refused: 503 from the deploy system") : ExecutorResult.Ok($"{action.Action} acknowledged"));
    }
}
