using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Recordings;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>
/// One zip with everything an auditor needs about a rollout: the plan, every stored sample and probe run, gate and
/// trigger history, decisions, summaries, checklist ticks, the roster, the #ship-room posts, the rollout's audit
/// entries and the scorecard, and (rollout.json) the phase starts, clock and source a replay needs. Built on request
/// from storage, never from a viewer's screen. `shiproom replay` reads it back (<see cref="RolloutArchiveReader"/>).
/// </summary>
public sealed class RolloutArchiveService(
    IRolloutRepository rollouts,
    ISampleRepository samples,
    IProbeRunRepository probeRuns,
    IJudgementHistoryRepository history,
    IDecisionRepository decisions,
    IPhaseSummaryRepository summaries,
    IChecklistRepository checklists,
    IRosterRepository roster,
    INotificationRepository posts,
    IAuditLog audit,
    ScorecardService scorecards,
    PlanCache plans,
    PollScheduleOptions schedule)
{
    public static readonly string[] Entries =
    [
        "README.txt", "rollout.json", "plan.yaml", "samples.csv", "probe-runs.csv", "gate-history.csv", "trigger-history.csv", "decisions.csv", "summaries.json", "checklists.csv", "roster.csv", "posts.csv", "audit.csv",
        "scorecard.json", "scorecard.csv", "scorecard.md",
    ];

    /// <summary>The columns of decisions.csv; after the stored fields, what the engine read from each decision.</summary>
    public static readonly string[] DecisionColumns =
    [
        "id", "requested_at", "kind", "actor", "reason", "outcome", "executed_at", "acknowledged_at", "from", "to", "error", "detail",
        "rollout_time", "automatic", "approval_from_phase", "approval_role", "resumed_at",
    ];

    public async Task<(string FileName, byte[] Zip)?> BuildAsync(long rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        var scorecard = await scorecards.BuildAsync(rolloutId, cancellationToken);
        if (rollout is null || scorecard is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "README.txt",
                $"ShipRoom archive of rollout {rollout.Id}: {rollout.Name} {rollout.VersionTag} ({rollout.CommitSha}), status {rollout.Status}.\n" +
                $"Built {scorecard.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC. Times are UTC (ISO 8601). audit.csv carries each entry's hash and the previous one's; " +
                "ShipRoom's /api/audit/verify checks the whole chain. Decisions carry their time on the rollout's clock too (rollout_time); " +
                "`shiproom replay --archive FILE` replays the rollout minute by minute from this archive.\n");
            var phases = await rollouts.ListPhasesAsync(rolloutId, cancellationToken);
            var plan = plans.Get(rollout);
            Add(zip, "rollout.json", JsonSerializer.Serialize(new RolloutArchiveManifest(RolloutArchiveManifest.CurrentFormat, rollout.Id, rollout.Name, rollout.VersionTag,
                rollout.CommitSha, rollout.Status, plan.Phases[Math.Clamp(rollout.PhaseIndex, 0, plan.Phases.Count - 1)].Name, rollout.MetricSource,
                RolloutSourceSettings.FromJson(rollout.SourceSettings), rollout.TimeFactor, rollout.ClockOrigin, rollout.CreatedAt, rollout.LastPolledTo,
                plan.PollEvery ?? schedule.DefaultPollInterval, phases.Select(p => new ArchivedPhase(p.PhaseIndex, p.Name, p.TrafficPercent, p.StartedAt, p.EndedAt)).ToList()),
                ShipRoomJson.Indented));
            Add(zip, "plan.yaml", rollout.PlanYaml);
            var samplesCsv = new StringWriter(CultureInfo.InvariantCulture);
            SampleCsv.Write(samplesCsv, await samples.ReadAsync(rolloutId, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), cancellationToken));
            Add(zip, "samples.csv", samplesCsv.ToString());
            Add(zip, "probe-runs.csv", ProbeRunCsv.Write(await probeRuns.ListRecordedAsync(rolloutId, cancellationToken)));
            Add(zip, "gate-history.csv", CsvText.Table(["at", "phase_index", "gate", "status", "canary", "control", "detail"], await history.ListGatesAsync(rolloutId, cancellationToken),
                g => [g.At, g.PhaseIndex, g.GateKey, g.Status, g.Canary, g.Control, g.Detail]));
            Add(zip, "trigger-history.csv", CsvText.Table(["at", "phase_index", "trigger", "state", "held_for_seconds", "detail"], await history.ListTriggersAsync(rolloutId, cancellationToken),
                t => [t.At, t.PhaseIndex, t.TriggerKey, t.State, t.HeldForSeconds, t.Detail]));
            Add(zip, "decisions.csv", CsvText.Table(DecisionColumns, (await decisions.ListAsync(rolloutId, 10_000, cancellationToken)).OrderBy(d => d.Id), d =>
            {
                var approval = DecisionInputs.ApprovalGiven(d);
                return
                [
                    d.Id, d.RequestedAt, d.Kind.Key(), d.Actor, d.Reason, d.Outcome.ToString(), d.ExecutedAt, d.AcknowledgedAt, d.FromStatus, d.ToStatus, d.Error, d.Detail,
                    RolloutClock.Now(rollout, d.RequestedAt), d.Actor == RolloutActor.AutomaticName ? "true" : "false",
                    approval?.FromPhaseIndex, approval?.Role, d.Kind == RolloutCommand.Resume && d.Outcome == DecisionOutcome.Executed ? d.ResumedAt : null,
                ];
            }));
            Add(zip, "summaries.json", JsonSerializer.Serialize((await summaries.ListAsync(rolloutId, cancellationToken)).OrderBy(s => s.Id), ShipRoomJson.Options));
            Add(zip, "checklists.csv", CsvText.Table(["list", "item", "title", "owner_role", "due_offset_minutes", "state", "by", "at", "reason"], await checklists.ListAsync(rolloutId, cancellationToken),
                c => [c.ListName, c.ItemKey, c.Title, c.OwnerRole, c.DueOffsetMinutes,
                    c.State ?? "open", c.TickedBy, c.TickedAt, c.Reason]));
            Add(zip, "roster.csv", CsvText.Table(["role", "primary", "primary_contact", "primary_chat", "primary_time_zone", "backup", "backup_contact", "backup_chat", "backup_time_zone", "escalation_order"],
                await roster.ListAsync(rolloutId, cancellationToken),
                r => [r.Role, r.PrimaryName, r.PrimaryContact, r.PrimaryChat, r.PrimaryTimeZone,
                    r.BackupName, r.BackupContact, r.BackupChat, r.BackupTimeZone, r.EscalationOrder]));
            Add(zip, "posts.csv", CsvText.Table(["queued_at", "kind", "event", "channel", "title", "status", "attempts", "sent_at", "last_error"],
                (await posts.ListAsync(rolloutId, 100_000, cancellationToken)).OrderBy(p => p.Id),
                p => [p.CreatedAt, p.Kind, p.EventKey, p.Channel, p.Title, p.Status, p.Attempts, p.SentAt, p.LastError]));
            Add(zip, "audit.csv", AuditCsv.Write(await audit.QueryAsync(new AuditQuery(RolloutId: rolloutId, Limit: 100_000), cancellationToken)));
            Add(zip, "scorecard.json", ScorecardExport.ToJson(scorecard));
            Add(zip, "scorecard.csv", ScorecardExport.ToCsv(scorecard));
            Add(zip, "scorecard.md", ScorecardExport.ToMarkdown(scorecard));
        }

        return ($"shiproom-rollout-{rollout.Id}-{Safe(rollout.VersionTag)}.zip", buffer.ToArray());
    }

    private static string Safe(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        stream.Write(bytes);
    }
}
