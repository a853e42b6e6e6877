using System.Globalization;
using System.IO.Compression;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Recordings;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>The rollout's own record as the archive's CSV tables: samples, probe runs, gate and trigger history, decisions, checklists, roster and posts.</summary>
public sealed class RolloutRecordTables(
    ISampleRepository samples,
    IProbeRunRepository probeRuns,
    IJudgementHistoryRepository history,
    IDecisionRepository decisions,
    IChecklistRepository checklists,
    IRosterRepository roster,
    INotificationRepository posts)
{
    /// <summary>The columns of decisions.csv; after the stored fields, what the engine read from each decision.</summary>
    public static readonly string[] DecisionColumns =
    [
        "id", "requested_at", "kind", "actor", "reason", "outcome", "executed_at", "acknowledged_at", "from", "to", "error", "detail",
        "rollout_time", "automatic", "approval_from_phase", "approval_role", "resumed_at",
    ];

    public async Task WriteAsync(ZipArchive zip, RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var rolloutId = rollout.Id;
            var samplesCsv = new StringWriter(CultureInfo.InvariantCulture);
            SampleCsv.Write(samplesCsv, await samples.ReadAsync(rolloutId, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), cancellationToken));
            RolloutArchiveService.Add(zip, "samples.csv", samplesCsv.ToString());
            RolloutArchiveService.Add(zip, "probe-runs.csv", ProbeRunCsv.Write(await probeRuns.ListRecordedAsync(rolloutId, cancellationToken)));
            RolloutArchiveService.Add(zip, "gate-history.csv", CsvText.Table(["at", "phase_index", "gate", "status", "canary", "control", "detail"], await history.ListGatesAsync(rolloutId, cancellationToken),
                g => [g.At, g.PhaseIndex, g.GateKey, g.Status, g.Canary, g.Control, g.Detail]));
            RolloutArchiveService.Add(zip, "trigger-history.csv", CsvText.Table(["at", "phase_index", "trigger", "state", "held_for_seconds", "detail"], await history.ListTriggersAsync(rolloutId, cancellationToken),
                t => [t.At, t.PhaseIndex, t.TriggerKey, t.State, t.HeldForSeconds, t.Detail]));
            RolloutArchiveService.Add(zip, "decisions.csv", CsvText.Table(DecisionColumns, (await decisions.ListAsync(rolloutId, 10_000, cancellationToken)).OrderBy(d => d.Id), d =>
            {
                var approval = DecisionInputs.ApprovalGiven(d);
                return
                [
                    d.Id, d.RequestedAt, d.Kind.Key(), d.Actor, d.Reason, d.Outcome.ToString(), d.ExecutedAt, d.AcknowledgedAt, d.FromStatus, d.ToStatus, d.Error, d.Detail,
                    RolloutClock.Now(rollout, d.RequestedAt), d.Actor == RolloutActor.AutomaticName ? "true" : "false",
                    approval?.FromPhaseIndex, approval?.Role, d.Kind == RolloutCommand.Resume && d.Outcome == DecisionOutcome.Executed ? d.ResumedAt : null,
                ];
            }));
            RolloutArchiveService.Add(zip, "checklists.csv", CsvText.Table(["list", "item", "title", "owner_role", "due_offset_minutes", "state", "by", "at", "reason"], await checklists.ListAsync(rolloutId, cancellationToken),
                c => [c.ListName, c.ItemKey, c.Title, c.OwnerRole, c.DueOffsetMinutes,
                    c.State ?? "open", c.TickedBy, c.TickedAt, c.Reason]));
            RolloutArchiveService.Add(zip, "roster.csv", CsvText.Table(["role", "primary", "primary_contact", "primary_chat", "primary_time_zone", "backup", "backup_contact", "backup_chat", "backup_time_zone", "escalation_order"],
                await roster.ListAsync(rolloutId, cancellationToken),
                r => [r.Role, r.PrimaryName, r.PrimaryContact, r.PrimaryChat, r.PrimaryTimeZone,
                    r.BackupName, r.BackupContact, r.BackupChat, r.BackupTimeZone, r.EscalationOrder]));
            RolloutArchiveService.Add(zip, "posts.csv", CsvText.Table(["queued_at", "kind", "event", "channel", "title", "status", "attempts", "sent_at", "last_error"],
                (await posts.ListAsync(rolloutId, 100_000, cancellationToken)).OrderBy(p => p.Id),
                p => [p.CreatedAt, p.Kind, p.EventKey, p.Channel, p.Title, p.Status, p.Attempts, p.SentAt, p.LastError]));
    }
}
