namespace ShipRoom.Infrastructure.Deploy;

/// <summary>What the deploy system is asked to do: abort (roll back), pause, promote, set weight...</summary>
public sealed record DeployAction(
    string Action,
    long RolloutId,
    string Release,
    string Commit,
    int PhaseIndex,
    string PhaseName,
    double TrafficPercent,
    string Actor,
    string Reason,
    DateTimeOffset At);

/// <summary>The deploy system's answer. <see cref="Acknowledged"/> false means it did not confirm: the decision records the error.</summary>
public sealed record ExecutorResult(bool Acknowledged, string Detail, string? Error)
{
    public static ExecutorResult Ok(string detail) => new(true, detail, null);

    public static ExecutorResult Failed(string error, string detail = "") => new(false, detail, error);
}

/// <summary>Carries a command out in the deploy system (Argo Rollouts, Flagger, a CI pipeline...). Configured by an administrator only.</summary>
public interface IDeployExecutor
{
    string Name { get; }

    Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken);
}

/// <summary>
/// The default when no executor is configured: ShipRoom records the decision and says so; the IC carries the action out
/// with the runbook. The demo rollout uses it too.
/// </summary>
public sealed class RecordOnlyExecutor : IDeployExecutor
{
    public string Name => "record-only";

    public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken) =>
        Task.FromResult(ExecutorResult.Ok("no deploy executor configured: recorded only; carry the action out with the runbook"));
}
