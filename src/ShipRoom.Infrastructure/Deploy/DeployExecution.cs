namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// What the deploy system is asked to do: abort (roll back), pause, promote, set weight... <see cref="DecisionId"/>
/// names the decision: a retry after a failure or a restart carries the same one, so a receiver can tell a repeat, and
/// the deploy system reports completion to <c>POST /api/rollouts/{rollout}/executions/{decision}</c>.
/// </summary>
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
    DateTimeOffset At)
{
    public long? DecisionId { get; init; }

    /// <summary>
    /// For an action that is not a decision (a post-success action): a key stable across retries and instances
    /// (<c>post-success:{rollout}:{action}</c>), sent as the Idempotency-Key so a receiver can tell a repeat.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>
/// The deploy system's answer. <see cref="Acknowledged"/> false means it did not confirm: the decision records the
/// error. <see cref="RecordedOnly"/>: there is no deploy system, nothing was sent, nothing was measured.
/// </summary>
public sealed record ExecutorResult(bool Acknowledged, string Detail, string? Error)
{
    public bool RecordedOnly { get; init; }

    public static ExecutorResult Ok(string detail) => new(true, detail, null);

    public static ExecutorResult Failed(string error, string detail = "") => new(false, detail, error);

    public static ExecutorResult Recorded(string detail) => new(true, detail, null) { RecordedOnly = true };
}

/// <summary>Carries a command out in the deploy system (Argo Rollouts, Flagger, a CI pipeline...). Configured by an administrator only.</summary>
public interface IDeployExecutor
{
    string Name { get; }

    /// <summary>True when nothing is sent anywhere: ShipRoom records commands and people carry them out by runbook.</summary>
    bool RecordsOnly => false;

    Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken);
}

/// <summary>
/// The default when no executor is configured: ShipRoom records the decision and says so; the IC carries the action out
/// with the runbook. The demo rollout uses it too.
/// </summary>
public sealed class RecordOnlyExecutor : IDeployExecutor
{
    public string Name => "record-only";

    public bool RecordsOnly => true;

    public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken) =>
        Task.FromResult(ExecutorResult.Recorded("no deploy system is configured: recorded only; carry the action out with the runbook"));
}
