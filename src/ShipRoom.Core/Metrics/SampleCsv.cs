using System.Globalization;
using CsvHelper;

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
        var options = Reports.CsvText.ReadOptions with
        {
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => problems.Add(new Problem((int)record.LineNumber, Reports.CsvText.Describe(record.Reason))),
        };
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        foreach (var row in csv)
        {
            // The line the record starts on: a quoted line break inside a field does not shift later numbers.
            var lineNumber = (int)csv.LineNumber;
            var fields = row.ToArray().Select(f => Reports.CsvText.Unescape(f.Trim())).ToArray();
            if (lineNumber == 1 && string.Join(',', fields).Equals(Header, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (fields.Length != 5)
            {
                problems.Add(new Problem(lineNumber, $"expected 5 fields ({Header}), found {fields.Length.ToString(CultureInfo.InvariantCulture)}"));
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

        return (samples, problems.OrderBy(p => p.Line).ToList());
    }

    /// <summary>
    /// The archive's samples.csv and the input of `shiproom evaluate`: journey names are plan text, so they are
    /// escaped like every export, and <see cref="Read"/> takes the escape off again.
    /// </summary>
    public static void Write(TextWriter writer, IEnumerable<MetricSample> samples)
    {
        using var csv = CsvWriter.Create(writer, Reports.CsvText.ExportOptions, leaveOpen: true);
        csv.WriteHeader(Header.Split(','));
        foreach (var sample in samples)
        {
            csv.WriteField(sample.Time.UtcDateTime, "yyyy-MM-ddTHH:mm:ssZ");
            csv.WriteField(sample.MetricKey);
            csv.WriteField(sample.Cohort == Cohort.Canary ? "canary" : "control");
            csv.WriteField(sample.Journey ?? "");
            csv.WriteField(sample.Value, "R");
            csv.EndRecord();
        }
    }
}
