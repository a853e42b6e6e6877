using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>What became of a deploy system's report.</summary>
public enum ExecutionReportOutcome
{
    Recorded,
    AlreadyRecorded,
    Disabled,
    BadSignature,
    NotFound,
    NotExecuted,
    Invalid,
}

/// <summary>
/// The deploy system's report that an action it acknowledged is done (for a rollback: traffic restored), at
/// <c>POST /api/rollouts/{rollout}/executions/{decision}</c>, signed like ShipRoom's own webhook: HMAC-SHA256 of the exact
/// body with <c>ShipRoom:Deploy:WebhookSecret</c> in <c>X-ShipRoom-Signature: sha256=&lt;hex&gt;</c>. The time of the
/// first report is the end of "time to rollback"; nothing else can set it.
/// </summary>
public sealed class ExecutionReports(IDecisionRepository decisions, IAuditLog audit, SnapshotRefresher refresher, IOptions<DeployOptions> options, TimeProvider time)
{
    public const int MaxBodyBytes = 16 * 1024;

    public async Task<ExecutionReportOutcome> ReportAsync(long rolloutId, long decisionId, string body, string? signature, CancellationToken cancellationToken)
    {
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return ExecutionReportOutcome.Disabled;
        }

        var expected = Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        if (signature is null || !CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant())))
        {
            return ExecutionReportOutcome.BadSignature;
        }

        string? detail;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
                || !string.Equals(status.GetString(), "completed", StringComparison.OrdinalIgnoreCase))
            {
                return ExecutionReportOutcome.Invalid;
            }

            detail = document.RootElement.TryGetProperty("detail", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        }
        catch (JsonException)
        {
            return ExecutionReportOutcome.Invalid;
        }

        var decision = await decisions.GetAsync(decisionId, cancellationToken);
        if (decision is null || decision.RolloutId != rolloutId)
        {
            return ExecutionReportOutcome.NotFound;
        }

        if (decision.Outcome != DecisionOutcome.Executed || !decision.Kind.NeedsExecutor() || decision.AcknowledgedAt is null)
        {
            return ExecutionReportOutcome.NotExecuted;
        }

        var now = time.GetUtcNow();
        detail = detail is null ? null : Truncate(detail, 500);
        if (!await decisions.SetCompletedAsync(decisionId, now, detail is null ? null : $"{decision.Detail}; deploy system: {detail}".TrimStart(';', ' '), cancellationToken))
        {
            return ExecutionReportOutcome.AlreadyRecorded;
        }

        await audit.AppendAsync(new AuditEntryDraft(now, "deploy system", $"rollout.{decision.Kind.Key()}-completed", rolloutId,
            $"The deploy system reports {decision.Kind.Key()} done ({(now - decision.RequestedAt).TotalSeconds:0.0}s after it was asked for)", Reason: detail), cancellationToken);
        await refresher.RefreshAsync(rolloutId, cancellationToken);
        return ExecutionReportOutcome.Recorded;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
