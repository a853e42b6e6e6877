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
    RolloutRecordTables tables,
    IPhaseSummaryRepository summaries,
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
            await tables.WriteAsync(zip, rollout, cancellationToken);
            Add(zip, "summaries.json", JsonSerializer.Serialize((await summaries.ListAsync(rolloutId, cancellationToken)).OrderBy(s => s.Id), ShipRoomJson.Options));
            Add(zip, "audit.csv", AuditCsv.Write(await audit.QueryAsync(new AuditQuery(RolloutId: rolloutId, Limit: 100_000), cancellationToken)));
            Add(zip, "scorecard.json", ScorecardExport.ToJson(scorecard));
            Add(zip, "scorecard.csv", ScorecardExport.ToCsv(scorecard));
            Add(zip, "scorecard.md", ScorecardExport.ToMarkdown(scorecard));
        }

        return ($"shiproom-rollout-{rollout.Id}-{Safe(rollout.VersionTag)}.zip", buffer.ToArray());
    }

    private static string Safe(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());

    internal static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        stream.Write(bytes);
    }
}
