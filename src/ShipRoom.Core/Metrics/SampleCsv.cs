using System.Globalization;
using System.Text;

namespace ShipRoom.Core.Metrics;

/// <summary>
/// Samples as CSV: a header <c>time,metric,cohort,journey,value</c>, then one row per minute and series; an empty
/// journey is the overall series; values may be NaN. Used by `shiproom evaluate` and the rollout archive.
/// </summary>
public static class SampleCsv
{
    public const string Header = "time,metric,cohort,journey,value";

    public sealed record Problem(int Line, string Message);

    public static (IReadOnlyList<MetricSample> Samples, IReadOnlyList<Problem> Problems) Read(TextReader reader)
    {
        var samples = new List<MetricSample>();
        var problems = new List<Problem>();
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.Trim().Equals(Header, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var fields = SplitFields(line);
            if (fields is null || fields.Count != 5)
            {
                problems.Add(new Problem(lineNumber, $"expected 5 fields ({Header}), found {fields?.Count.ToString(CultureInfo.InvariantCulture) ?? "an unterminated quote"}"));
                continue;
            }

            if (!DateTimeOffset.TryParse(fields[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                problems.Add(new Problem(lineNumber, $"time '{fields[0]}' is not an ISO 8601 time"));
                continue;
            }

            if (fields[1].Length == 0)
            {
                problems.Add(new Problem(lineNumber, "metric is empty"));
                continue;
            }

            if (!Enum.TryParse<Cohort>(fields[2], ignoreCase: true, out var cohort) || int.TryParse(fields[2], out _))
            {
                problems.Add(new Problem(lineNumber, $"cohort '{fields[2]}' is not control or canary"));
                continue;
            }

            if (!double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                problems.Add(new Problem(lineNumber, $"value '{fields[4]}' is not a number (write NaN for a minute without data)"));
                continue;
            }

            samples.Add(new MetricSample(fields[1], cohort, fields[3].Length == 0 ? null : fields[3], time, value));
        }

        return (samples, problems);
    }

    public static void Write(TextWriter writer, IEnumerable<MetricSample> samples)
    {
        writer.WriteLine(Header);
        foreach (var sample in samples)
        {
            writer.Write(sample.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Quote(sample.MetricKey));
            writer.Write(',');
            writer.Write(sample.Cohort == Cohort.Canary ? "canary" : "control");
            writer.Write(',');
            writer.Write(Quote(sample.Journey ?? ""));
            writer.Write(',');
            writer.WriteLine(sample.Value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static List<string>? SplitFields(string line)
    {
        var rows = Reports.CsvText.ReadRows(line + "\n");
        return rows.Count == 1 ? rows[0].Select(f => f.Trim()).ToList() : null;
    }
}
