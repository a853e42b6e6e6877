using System.IO.Compression;
using System.Text;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Reports;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>
/// The Go/No-Go packet of a finished demo rollout: a healthy simulator run walks every phase to Completed, then its
/// scorecard exports and the audit archive are read back the way a reviewer's tools would read them.
/// </summary>
public sealed class ScorecardAndArchiveTests : IAsyncLifetime
{
    private RolloutTestHost _host = null!;
    private long _id;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        _id = await _host.StartRolloutAsync("healthy", autoAdvance: true);
        await _host.Get<PhaseSummaryService>().PostAsync(_id, "1% clean: P95 **108 ms**, no payment errors. <script>alert(1)</script>", "GO",
            RolloutTestHost.Person("pm", Roles.ProductManager), Ct);
        for (var minute = 0; minute < 400; minute += 5)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(5));
            await _host.Poller.PollAsync(_id, Ct);
            if (RolloutStateMachine.IsFinished((await _host.Database.Rollouts.GetAsync(_id, Ct))!.Status))
            {
                break;
            }
        }

        Assert.Equal(RolloutStatus.Completed, (await _host.Database.Rollouts.GetAsync(_id, Ct))!.Status);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Every gate of the plan in every phase it judges, as (phase, gate key).</summary>
    private IEnumerable<(string Phase, string Gate)> PlanGates()
    {
        var plan = Core.Plans.PlanParser.Parse(RolloutTestHost.PlanText(), "plan.yaml").Plan!;
        return plan.Phases.SelectMany((p, i) => plan.GatesFor(i).Select(g => (p.Name, g.Key)));
    }

    [Fact]
    public async Task The_scorecard_of_a_finished_rollout_names_every_gate_of_every_phase_and_recommends()
    {
        var scorecard = (await _host.Get<ScorecardService>().BuildAsync(_id, Ct))!;

        Assert.Equal(PlanGates().OrderBy(x => x), scorecard.Gates.Select(g => (g.Phase, g.Key)).OrderBy(x => x));
        Assert.All(scorecard.Gates, g => Assert.Equal(ScorecardResults.Pass, g.Result));
        // An earlier phase is judged again as it stood when it ended: a whole window of passing minutes, real values.
        // (YELLOW minutes pass like GREEN ones, so the reason may count some; none may be RED or NO DATA.)
        Assert.All(scorecard.Gates.Where(g => g.Phase == "1%"), g =>
        {
            Assert.Matches(@": (GREEN|YELLOW)( \(passes\))?; window: 15 of 15 minutes passed( \(\d+ GREEN, \d+ YELLOW\))?$", g.Evidence);
            Assert.DoesNotContain("RED", g.Evidence.Replace("GREEN", "", StringComparison.Ordinal), StringComparison.Ordinal);
        });
        Assert.All(scorecard.Gates, g => Assert.NotNull(g.Canary));
        Assert.All(scorecard.Triggers, t => Assert.Equal(ScorecardResults.Pass, t.Result));
        Assert.Equal(4, scorecard.Decisions.Count(d => d.Kind == RolloutCommand.Advance.Key()));
        Assert.Contains(scorecard.Decisions, d => d.Kind == RolloutCommand.Complete.Key());
        Assert.Equal("GO", Assert.Single(scorecard.Summaries).Recommendation);
        Assert.Equal("Completed", scorecard.Status);
    }

    [Fact]
    public async Task The_json_and_csv_exports_parse_back_with_every_gate()
    {
        var scorecard = (await _host.Get<ScorecardService>().BuildAsync(_id, Ct))!;

        var json = ScorecardExport.FromJson(ScorecardExport.ToJson(scorecard))!;
        var csv = ReadCsv(ScorecardExport.ToCsv(scorecard));

        Assert.Equal(scorecard.Gates, json.Gates);
        Assert.Equal(scorecard.Recommendation, json.Recommendation);
        Assert.Equal(ScorecardExport.CsvHeader, csv[0]);
        var gateRows = csv.Skip(1).Where(r => r[0] == "gate").ToList();
        Assert.Equal(PlanGates().OrderBy(x => x), gateRows.Select(r => (r[1], r[2])).OrderBy(x => x));
        Assert.All(gateRows, r => Assert.Equal(ScorecardResults.Pass, r[4]));
        Assert.Equal(scorecard.Triggers.Count, csv.Count(r => r[0] == "trigger"));
        Assert.Equal(scorecard.Recommendation, Assert.Single(csv, r => r[0] == "recommendation")[4]);
    }

    [Fact]
    public async Task The_markdown_export_has_a_row_per_gate_and_quotes_summaries_without_raw_html()
    {
        var scorecard = (await _host.Get<ScorecardService>().BuildAsync(_id, Ct))!;

        var markdown = ScorecardExport.ToMarkdown(scorecard);

        Assert.StartsWith("# Go/No-Go scorecard: ", markdown);
        var gatesSection = markdown[markdown.IndexOf("## Gates", StringComparison.Ordinal)..markdown.IndexOf("## Triggers", StringComparison.Ordinal)];
        var gateRows = gatesSection.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.Equal(scorecard.Gates.Count, gateRows.Count);
        Assert.All(gateRows, row => Assert.Contains("| PASS |", row));
        Assert.Contains("P95 latency &lt;= 130 ms", gatesSection);
        Assert.Contains("> 1% clean: P95 **108 ms**", markdown);
        Assert.DoesNotContain("<script>", markdown);
    }

    [Fact]
    public async Task The_archive_holds_samples_history_decisions_and_the_audit_entries_of_the_rollout()
    {
        var (name, bytes) = (await _host.Get<RolloutArchiveService>().BuildAsync(_id, Ct))!.Value;

        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        string Read(string entry)
        {
            using var reader = new StreamReader(zip.GetEntry(entry)!.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        }

        Assert.Equal("shiproom-rollout-1-v20261126.2.zip", name);
        Assert.Equal(RolloutArchiveService.Entries.Order(), zip.Entries.Select(e => e.FullName).Order());
        var (samples, problems) = SampleCsv.Read(new StringReader(Read("samples.csv")));
        Assert.Empty(problems);
        Assert.Equal((await _host.Database.Samples.ReadAsync(_id, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), Ct)).Count, samples.Count);
        var gateHistory = ReadCsv(Read("gate-history.csv"));
        Assert.Equal(PlanGates().Select(g => g.Gate).Distinct().Order(), gateHistory.Skip(1).Select(r => r[2]).Distinct().Order());
        Assert.Equal(5, ReadCsv(Read("decisions.csv")).Skip(1).Count(r => r[2] is "advance" or "complete"));
        var audit = ReadCsv(Read("audit.csv"));
        Assert.All(audit.Skip(1), r => Assert.Equal(_id.ToString(System.Globalization.CultureInfo.InvariantCulture), r[4]));
        Assert.Contains(audit, r => r[3] == "rollout.advance");
        Assert.Equal(ScorecardExport.ToCsv((await _host.Get<ScorecardService>().BuildAsync(_id, Ct))!).Split('\n').Length, Read("scorecard.csv").Split('\n').Length);
        Assert.Contains("version: v20261126.2", Read("plan.yaml"));
    }

    private static List<string[]> ReadCsv(string text) => [.. CsvText.ReadRows(text)];
}
