using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Core.Rollouts.Replay;
using ShipRoom.Infrastructure.Reports;

namespace ShipRoom.Cli.Commands;

/// <summary>
/// `shiproom replay --archive rollout.zip`: replays a recorded rollout minute by minute through the engine and prints
/// the decision timeline, each automatic decision compared with the one the live run recorded. Exit 0 when the replay
/// decided as the live run did, 1 when it did not, 2 when the archive cannot be replayed.
/// </summary>
internal static class ReplayCommand
{
    public const int Differs = 1;

    public static Command Create()
    {
        var archive = CliOptions.ExistingFile("--archive", "the rollout's audit archive (GET /api/rollouts/{id}/archive.zip)", required: true);
        var json = new Option<bool>("--json") { Description = "print the rollout and the replayed timeline as JSON instead of a table" };
        var command = new Command("replay", "replay a recorded rollout minute by minute through the engine; prints the decision timeline and whether it matches the record")
        {
            archive, json,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetRequiredValue(archive), result.GetValue(json), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        RolloutArchive? archive;
        IReadOnlyList<string> problems;
        try
        {
            await using var stream = file.OpenRead();
            (archive, problems) = RolloutArchiveReader.Read(stream);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            archive = null;
            problems = [exception.Message];
        }

        if (archive is null)
        {
            foreach (var problem in problems.Take(20))
            {
                await error.WriteLineAsync($"{file}: {problem}");
            }

            return CommandLine.UsageError;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var replay = RolloutReplay.Run(archive.Recording);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { rollout = archive.Rollout, replay, sameAsRecorded = replay.SameAsRecorded }, ShipRoomJson.Indented));
        }
        else
        {
            await WriteTableAsync(output, archive, replay);
        }

        return replay.SameAsRecorded ? 0 : Differs;
    }

    private static async Task WriteTableAsync(TextWriter output, RolloutArchive archive, ReplayResult replay)
    {
        var rollout = archive.Rollout;
        var source = rollout.MetricSource == "simulator" ? $"simulator, scenario {rollout.Source.Scenario} from phase {rollout.Source.ScenarioStartsAtPhase + 1}" : rollout.MetricSource;
        await output.WriteLineAsync($"Rollout {rollout.Id}: {rollout.Name} {rollout.Version}, {rollout.Status} at {rollout.Phase} when archived");
        await output.WriteLineAsync($"  metric source {source}; rollout clock {Number(rollout.TimeFactor)}x the wall clock; " +
                                    $"{(rollout.Source.AutoAdvance ? "advances by itself on GO" : "a person advances")}; polled every {Duration(rollout.PollEvery)}");
        await output.WriteLineAsync($"  replayed every minute from {replay.From:yyyy-MM-dd HH:mm} to {replay.Until:yyyy-MM-dd HH:mm} UTC on the rollout's clock ({replay.Judgements} judgements)");
        if (rollout.PollEvery > TimeSpan.FromMinutes(1))
        {
            await output.WriteLineAsync($"  note: the live run polled every {Duration(rollout.PollEvery)}, the replay judges every minute: it may act earlier than the record");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"time (UTC)",-19}  {"action",-8}  {"by",-22}  {"phase",-6}  {"after",-22}  compared with the record: why");
        foreach (var entry in replay.Timeline)
        {
            var after = entry.Match == ReplayMatch.RecordedOnly ? "" : $"{entry.StatusAfter} at {entry.PhaseAfter}";
            await output.WriteLineAsync($"{entry.At:yyyy-MM-dd HH:mm:ss}  {entry.Action,-8}  {entry.Actor,-22}  {entry.Phase,-6}  {after,-22}  {Word(entry.Match)}: {entry.Reason}");
        }

        await output.WriteLineAsync();
        var automatic = replay.Automatic.Count();
        var differences = replay.Timeline.Count(e => e.Match is not (ReplayMatch.Input or ReplayMatch.AsRecorded));
        await output.WriteLineAsync(replay.SameAsRecorded
            ? $"Same as recorded: {automatic} automatic decision(s) at the same minutes; the replay ends {replay.FinalStatus} at {replay.FinalPhase}."
            : $"Differs from the record: {differences} difference(s); the replay ends {replay.FinalStatus} at {replay.FinalPhase}, the record {rollout.Status} at {rollout.Phase}.");
    }

    private static string Word(ReplayMatch match) => match switch
    {
        ReplayMatch.Input => "input",
        ReplayMatch.AsRecorded => "as recorded",
        ReplayMatch.NotRecorded => "NOT IN THE RECORD",
        ReplayMatch.RecordedOnly => "ONLY IN THE RECORD",
        _ => "INPUT NOT POSSIBLE",
    };

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.TotalHours >= 1 && span.Minutes == 0 ? $"{span.TotalHours:0}h" : $"{span.TotalMinutes:0}m";
}
