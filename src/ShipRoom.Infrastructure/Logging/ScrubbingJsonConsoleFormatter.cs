using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>
/// ShipRoom:Logging:Format=json: one JSON object per line (timestamp, level, category, event, message, the message's
/// named values, exception) for a log collector. Every text goes through <see cref="PiiScrubber"/>, as in the text
/// format; personal values the code classified arrive already redacted.
/// </summary>
public sealed class ScrubbingJsonConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "shiproom-json";
    private const string TemplateKey = "{OriginalFormat}";
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0 || logEntry.EventId.Name is not null)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            json.WriteString("message", PiiScrubber.Scrub(message));
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                WriteValues(json, values);
            }

            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", PiiScrubber.Scrub(exception.ToString()));
            }

            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteValues(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        foreach (var (key, value) in values)
        {
            if (key == TemplateKey)
            {
                json.WriteString("template", value?.ToString());
                continue;
            }

            switch (value)
            {
                case null:
                    json.WriteNull(key);
                    break;
                case bool flag:
                    json.WriteBoolean(key, flag);
                    break;
                case int or long or short or byte or uint or ulong or ushort:
                    json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal when Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) is var number && double.IsFinite(number):
                    json.WriteNumber(key, number);
                    break;
                default:
                    json.WriteString(key, PiiScrubber.Scrub(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
                    break;
            }
        }
    }
}
