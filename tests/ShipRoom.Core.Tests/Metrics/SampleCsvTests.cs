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
}
