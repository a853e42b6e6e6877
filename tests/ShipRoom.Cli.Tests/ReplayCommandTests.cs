using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

/// <summary>`shiproom replay` on the archive of a rollout that rolled back on payment failures (<see cref="ArchivedRollout"/>).</summary>
public sealed class ReplayCommandTests(ArchivedRollout archived) : IClassFixture<ArchivedRollout>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-replay-test-").FullName;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A copy of the archive with one entry rewritten (or removed, when <paramref name="rewrite"/> returns null).</summary>
    private string Altered(string entry, Func<string, string?> rewrite)
    {
        var path = Path.Combine(_directory, $"{Path.GetFileNameWithoutExtension(entry)}-altered.zip");
        File.Copy(archived.Path, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var old = zip.GetEntry(entry)!;
        string text;
        using (var reader = new StreamReader(old.Open(), Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        old.Delete();
        if (rewrite(text) is { } changed)
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open(), Encoding.UTF8);
            writer.Write(changed);
        }

        return path;
    }

    [Fact]
    public async Task The_timeline_shows_the_automatic_rollback_at_the_minute_the_live_run_took_it()
    {
        var (exit, output, error) = await RunAsync("replay", "--archive", archived.Path);

        Assert.True(exit == 0, error + output);
        var rollback = Assert.Single(output.Split('\n'), line => line.Contains("  rollback  ", StringComparison.Ordinal));
        Assert.StartsWith("2026-11-25 10:05:00", rollback);
        Assert.Contains("ShipRoom (automatic)", rollback);
        Assert.Contains("RolledBack at 1%", rollback);
        Assert.Contains("as recorded: trigger Payments E2E < 99.5% for 5 minutes: FIRED at 10:04 UTC", rollback);
        Assert.Contains("scenario payment-failures from phase 1", output);
        Assert.Contains("Same as recorded: 1 automatic decision(s) at the same minutes; the replay ends RolledBack at 1%.", output);
    }

    [Fact]
    public async Task Json_carries_the_rollout_the_timeline_and_the_comparison()
    {
        var (exit, output, _) = await RunAsync("replay", "--archive", archived.Path, "--json");

        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.True(json.GetProperty("sameAsRecorded").GetBoolean());
        Assert.Equal("payment-failures", json.GetProperty("rollout").GetProperty("source").GetProperty("scenario").GetString());
        var entry = Assert.Single(json.GetProperty("replay").GetProperty("timeline").EnumerateArray());
        Assert.Equal(("rollback", "asRecorded", "rolledBack"), (entry.GetProperty("action").GetString(), entry.GetProperty("match").GetString(), entry.GetProperty("statusAfter").GetString()));
    }

    [Fact]
    public async Task A_record_without_the_rollback_differs_and_exits_1()
    {
        // The archive as if the live run had not rolled back: the replay still does, and says the record lacks it.
        var path = Altered("decisions.csv", text => string.Join('\n', text.Split('\n').Where(line => !line.Contains(",rollback,", StringComparison.Ordinal))));

        var (exit, output, _) = await RunAsync("replay", "--archive", path);

        Assert.Equal(1, exit);
        Assert.Contains("NOT IN THE RECORD: trigger Payments E2E", output);
        Assert.Contains("Differs from the record: 1 difference(s)", output);
    }

    [Fact]
    public async Task An_archive_made_before_replays_were_possible_is_refused_with_the_reason()
    {
        var path = Altered("rollout.json", _ => null);

        var (exit, output, error) = await RunAsync("replay", "--archive", path);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"{path}: the archive has no rollout.json: it was made by a ShipRoom that did not yet record what a replay needs", error);
    }

    [Fact]
    public async Task A_broken_decision_row_is_named_with_its_line()
    {
        var path = Altered("decisions.csv", text => text.Replace(",rollback,", ",rollbak,", StringComparison.Ordinal));

        var (exit, _, error) = await RunAsync("replay", "--archive", path);

        Assert.Equal(2, exit);
        Assert.Matches(@"decisions\.csv:\d+: error: kind 'rollbak' is not a rollout command", error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_is_refused()
    {
        var path = Path.Combine(_directory, "not-a-zip.zip");
        await File.WriteAllTextAsync(path, "time,metric,cohort,journey,value\n", Ct);

        var (exit, _, error) = await RunAsync("replay", "--archive", path);

        Assert.Equal(2, exit);
        Assert.Contains("not a zip archive", error);
    }

    [Fact]
    public async Task The_archive_option_is_required()
    {
        var (exit, _, error) = await RunAsync("replay");

        Assert.Equal(2, exit);
        Assert.Contains("--archive", error);
    }
}
