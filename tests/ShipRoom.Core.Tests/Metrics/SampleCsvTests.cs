using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.Metrics;

public sealed class SampleCsvTests
{
    [Fact]
    public void Samples_written_read_back_the_same_including_no_data_and_quoted_fields()
    {
        var t = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        MetricSample[] samples =
        [
            new("p95_latency_ms", Cohort.Canary, "checkout", t, 118.25),
            new("p95_latency_ms", Cohort.Control, null, t, double.NaN),
            new("odd,\"metric\"", Cohort.Canary, null, t.AddMinutes(1), 0.1 + 0.2),
        ];
        var text = new StringWriter();

        SampleCsv.Write(text, samples);
        var (read, problems) = SampleCsv.Read(new StringReader(text.ToString()));

        Assert.Empty(problems);
        Assert.Equal(3, read.Count);
        Assert.Equal(samples[0], read[0]);
        Assert.True(double.IsNaN(read[1].Value));
        Assert.Equal(("odd,\"metric\"", 0.1 + 0.2), (read[2].MetricKey, read[2].Value));
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_number()
    {
        const string csv = "time,metric,cohort,journey,value\nyesterday,m,canary,,1\n2026-11-25T10:00:00Z,m,canary,,lots\n2026-11-25T10:00:00Z,m,canary\n2026-11-25T10:00:00Z,m,control,,2\n";

        var (samples, problems) = SampleCsv.Read(new StringReader(csv));

        Assert.Single(samples);
        Assert.Equal([2, 3, 4], problems.Select(p => p.Line));
        Assert.Contains("is not an ISO 8601 time", problems[0].Message);
        Assert.Contains("write NaN for a minute without data", problems[1].Message);
        Assert.Contains("expected 5 fields", problems[2].Message);
    }

    [Fact]
    public void A_quoted_line_break_or_separator_in_a_field_reads_back_and_later_lines_keep_their_numbers()
    {
        // The line-by-line reader this replaced split the first record in two and lost it.
        const string csv = "time,metric,cohort,journey,value\n" +
            "2026-11-25T10:00:00Z,p95_latency_ms,canary,\"check\nout, \"\"fast\"\"\",118.5\n" +
            "2026-11-25T10:00:00Z,p95_latency_ms,canary,,lots\n";

        var (samples, problems) = SampleCsv.Read(new StringReader(csv));

        Assert.Equal("check\nout, \"fast\"", Assert.Single(samples).Journey);
        Assert.Equal(118.5, samples[0].Value);
        Assert.Equal(4, Assert.Single(problems).Line);
    }

    [Fact]
    public void Journeys_that_look_like_formulas_are_escaped_in_the_file_and_read_back_exactly()
    {
        var t = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        MetricSample[] samples = [new("error_rate_pct", Cohort.Canary, "=HYPERLINK(\"x\")", t, -0.5), new("error_rate_pct", Cohort.Control, "line\nbreak", t, 1)];
        var text = new StringWriter();

        SampleCsv.Write(text, samples);
        var (read, problems) = SampleCsv.Read(new StringReader(text.ToString()));

        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", text.ToString());
        Assert.Contains(",-0.5\n", text.ToString());
        Assert.Empty(problems);
        Assert.Equal(samples, read);
    }

    [Fact]
    public void An_unterminated_quote_is_reported_on_the_line_it_opens()
    {
        const string csv = "time,metric,cohort,journey,value\n2026-11-25T10:00:00Z,m,canary,,1\n2026-11-25T10:01:00Z,\"m,canary,,2\n2026-11-25T10:02:00Z,m,canary,,3\n";

        var (samples, problems) = SampleCsv.Read(new StringReader(csv));

        Assert.Single(samples);
        var problem = Assert.Single(problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("unterminated quote", problem.Message);
    }
}
