using System.Buffers;
using System.Text;
using System.Text.Json;
using SampleRow = ((string MetricKey, ShipRoom.Core.Metrics.Cohort Cohort, string Journey, long TimeMs) Key, double Value);

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Sample rows as one JSON array of <c>[metric, cohort, journey, time_ms, value]</c> rows, for SQLite to unpack with
/// <c>json_each</c>: one text parameter for hundreds of rows. Bound a row at a time, Microsoft.Data.Sqlite made about
/// 1.1 KB of garbage a sample (six parameter names and three strings copied to UTF-8, two boxed numbers, a data reader
/// and a task per row): an hour's back-fill of one rollout, 6 MB, and the collections that came with a hundred of them
/// paused every request. A value that is not finite goes as null (NO DATA is stored as NULL). Doubles are written in
/// their shortest round-trip form, which SQLite reads back to the same double.
/// </summary>
public sealed class SqliteSampleRowsJson
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _writer;

    /// <param name="rows">The most rows one text will hold: the buffer is sized for them (a steady poll's 90, or 400).</param>
    public SqliteSampleRowsJson(int rows)
    {
        _buffer = new ArrayBufferWriter<byte>(Math.Max(1, rows) * 96);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as one JSON text.</summary>
    public string Write(IReadOnlyList<SampleRow> rows, int start, int count)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        for (var index = start; index < start + count; index++)
        {
            var (key, value) = rows[index];
            _writer.WriteStartArray();
            _writer.WriteStringValue(WellFormed(key.MetricKey));
            _writer.WriteStringValue(CohortName(key.Cohort));
            _writer.WriteStringValue(WellFormed(key.Journey));
            _writer.WriteNumberValue(key.TimeMs);
            if (double.IsFinite(value))
            {
                _writer.WriteNumberValue(value);
            }
            else
            {
                _writer.WriteNullValue();
            }

            _writer.WriteEndArray();
        }

        _writer.WriteEndArray();
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    /// <summary>
    /// A half of a surrogate pair alone (a plan's escape) as U+FFFD, as SQLite's own binding stored it: the JSON writer
    /// refuses it, and one such name would fail the whole poll.
    /// </summary>
    private static string WellFormed(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    private static string CohortName(Core.Metrics.Cohort cohort) => cohort switch
    {
        Core.Metrics.Cohort.Control => nameof(Core.Metrics.Cohort.Control),
        Core.Metrics.Cohort.Canary => nameof(Core.Metrics.Cohort.Canary),
        _ => cohort.ToString(),
    };
}
