using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Recordings;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Rollouts.Replay;
using ShipRoom.Infrastructure.Rollouts;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>An audit archive read back: the rollout as archived, and the recording a replay judges from.</summary>
public sealed record RolloutArchive(RolloutArchiveManifest Rollout, RolloutRecording Recording);

/// <summary>
/// Reads an audit archive (<see cref="RolloutArchiveService"/>) back into a <see cref="RolloutRecording"/>: decisions
/// people took become the replay's inputs, those ShipRoom took by itself what the replay is compared with. Every
/// problem names the entry and line it is in; nothing is guessed.
/// </summary>
public static class RolloutArchiveReader
{
    /// <summary>An archive is at most this large unpacked: ample for weeks of one-minute samples.</summary>
    public const long MaxUnpackedBytes = 512L * 1024 * 1024;

    private static readonly string[] NeededEntries = ["rollout.json", "plan.yaml", "samples.csv", "probe-runs.csv", "decisions.csv"];

    public static (RolloutArchive? Archive, IReadOnlyList<string> Problems) Read(Stream zipStream)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return (null, ["not a zip archive (expected the file GET /api/rollouts/{id}/archive.zip returns)"]);
        }

        using (zip)
        {
            var missing = NeededEntries.Where(name => zip.GetEntry(name) is null).ToList();
            if (missing.Count > 0)
            {
                var hint = missing.Contains("rollout.json") && zip.GetEntry("plan.yaml") is not null
                    ? ": it was made by a ShipRoom that did not yet record what a replay needs; download the archive again"
                    : "";
                return (null, [$"the archive has no {string.Join(", ", missing)}{hint}"]);
            }

            if (zip.Entries.Sum(e => e.Length) > MaxUnpackedBytes)
            {
                return (null, [$"the archive unpacks to more than {MaxUnpackedBytes / 1024 / 1024} MB"]);
            }

            return Read(name => Text(zip, name));
        }
    }

    private static (RolloutArchive? Archive, IReadOnlyList<string> Problems) Read(Func<string, string> entry)
    {
        RolloutArchiveManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<RolloutArchiveManifest>(entry("rollout.json"), ShipRoomJson.Options);
        }
        catch (JsonException exception)
        {
            return (null, [$"rollout.json: {exception.Message}"]);
        }

        if (manifest is null || manifest.Format != RolloutArchiveManifest.CurrentFormat)
        {
            return (null, [$"rollout.json: format {manifest?.Format.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"} is not one this shiproom reads ({RolloutArchiveManifest.CurrentFormat})"]);
        }

        var parsed = PlanParser.Parse(entry("plan.yaml"), "plan.yaml");
        if (parsed.Plan is not { } plan)
        {
            return (null, parsed.Problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString()).ToList());
        }

        var problems = new List<string>();
        var (samples, sampleProblems) = SampleCsv.Read(new StringReader(entry("samples.csv")));
        problems.AddRange(sampleProblems.Take(20).Select(p => $"samples.csv:{p.Line}: error: {p.Message}"));
        var (runs, runProblems) = ProbeRunCsv.Read(entry("probe-runs.csv"), plan);
        problems.AddRange(runProblems.Take(20).Select(p => p.ToString("probe-runs.csv")));
        var decisions = Decisions(entry("decisions.csv"), problems);
        if (manifest.Phases.FirstOrDefault(p => p.Index == 0)?.StartedAt is not { } startedAt)
        {
            problems.Add("rollout.json: the rollout never started, so there is nothing to replay");
            startedAt = default;
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var recording = new RolloutRecording(
            plan,
            samples,
            runs.Select(r => r.ToProbeRun(plan.Probes.FirstOrDefault(p => p.Name == r.Probe))).ToList(),
            startedAt,
            manifest.LastPolledTo ?? startedAt,
            manifest.Source.AutoAdvance,
            decisions.People,
            decisions.Approvals,
            decisions.Automatic);
        return (new RolloutArchive(manifest, recording), []);
    }

    private sealed record DecisionInputs(List<RecordedCommand> People, List<ApprovalGiven> Approvals, List<RecordedCommand> Automatic);

    /// <summary>
    /// Commands that changed the rollout (executed, or recorded with a failed deploy executor: the state had moved) and
    /// executed sign-offs. Starts are not inputs: the first phase's start is. Refused commands changed nothing.
    /// </summary>
    private static DecisionInputs Decisions(string text, List<string> problems)
    {
        var inputs = new DecisionInputs([], [], []);
        var (table, headerProblem) = CsvTable.Parse(text, RolloutRecordTables.DecisionColumns, []);
        if (table is null)
        {
            problems.Add(headerProblem!.ToString("decisions.csv"));
            return inputs;
        }

        foreach (var row in table.Rows)
        {
            if (!RolloutCommands.TryParse(row["kind"], out var kind))
            {
                problems.Add(new CsvProblem(row.Line, $"kind '{row["kind"]}' is not a rollout command").ToString("decisions.csv"));
                continue;
            }

            var changedState = row["outcome"] is nameof(DecisionOutcome.Executed) or nameof(DecisionOutcome.Failed);

            if (!changedState || kind is RolloutCommand.Start or RolloutCommand.PollNow)
            {
                continue;
            }

            if (!IsoTime.TryParse(row["rollout_time"], out var at))
            {
                problems.Add(new CsvProblem(row.Line, $"rollout_time '{row["rollout_time"]}' is not an ISO 8601 time").ToString("decisions.csv"));
                continue;
            }

            var reason = row["reason"];
            if (kind == RolloutCommand.Approve)
            {
                if (row["outcome"] == nameof(DecisionOutcome.Executed))
                {
                    if (!int.TryParse(row["approval_from_phase"], System.Globalization.CultureInfo.InvariantCulture, out var phase))
                    {
                        problems.Add(new CsvProblem(row.Line, $"approval_from_phase '{row["approval_from_phase"]}' is not a phase number").ToString("decisions.csv"));
                        continue;
                    }

                    inputs.Approvals.Add(new ApprovalGiven(phase, row["actor"], row["approval_role"], reason, at));
                }

                continue;
            }

            var command = kind;
            var resumedAt = IsoTime.TryParse(row["resumed_at"], out var resumed) ? resumed : (DateTimeOffset?)null;
            var recorded = new RecordedCommand(at, command, row["actor"], reason, resumedAt);
            (row["automatic"] == "true" ? inputs.Automatic : inputs.People).Add(recorded);
        }

        return inputs;
    }

    private static string Text(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
