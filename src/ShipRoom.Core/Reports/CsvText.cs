using System.Globalization;
using CsvHelper;

namespace ShipRoom.Core.Reports;

/// <summary>
/// The CSV files ShipRoom exports (scorecard, audit, archive tables), written and read with CsvHelper: RFC 4180
/// quoting, and text a person typed neutralised so a spreadsheet never runs it as a formula.
/// </summary>
public static class CsvText
{
    /// <summary>Comma separated, "\n" line ends, CsvHelper's formula escaping (a leading = + - @ tab or CR gets a ').</summary>
    public static readonly CsvWriterOptions ExportOptions = CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\n",
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Comma separated (never guessed), nothing trimmed, quoted line breaks kept, line numbers counted for messages.</summary>
    public static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        TrimWhitespace = false,
        AllowLineBreaksInQuotes = true,
        DetectSeparatorHint = false,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>
    /// A header row and one row per item. A cell is text (neutralised), a number (round-trip, empty when missing or
    /// not finite), a time (UTC, ISO 8601), an integer, or null (empty).
    /// </summary>
    public static string Table<T>(IReadOnlyList<string> header, IEnumerable<T> rows, Func<T, object?[]> cells)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, ExportOptions, leaveOpen: true))
        {
            csv.WriteHeader(header.ToArray());
            foreach (var row in rows)
            {
                foreach (var cell in cells(row))
                {
                    WriteCell(csv, cell);
                }

                csv.EndRecord();
            }
        }

        return text.ToString();
    }

    /// <summary>Every record of a CSV text as its fields; malformed quoting throws a <see cref="CsvFormatException"/> naming the line.</summary>
    public static IReadOnlyList<string[]> ReadRows(string text)
    {
        using var csv = CsvReader.FromText(text, ReadOptions with { MalformedData = CsvMalformedDataHandling.Throw });
        var rows = new List<string[]>();
        foreach (var row in csv)
        {
            rows.Add(row.ToArray());
        }

        return rows;
    }

    /// <summary>Takes off the formula escape <see cref="ExportOptions"/> put in front of a field, for files read back.</summary>
    public static string Unescape(string field) =>
        field is [ '\'', '=' or '+' or '-' or '@' or '\t' or '\r', .. ] ? field[1..] : field;

    /// <summary>Why a record's quoting is wrong, in words a person can act on.</summary>
    public static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (an unterminated quote)",
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field (quote the whole field and double the quote inside it)",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field",
        _ => $"malformed quoting ({reason})",
    };

    private static void WriteCell(CsvWriter csv, object? cell)
    {
        switch (cell)
        {
            case null:
                csv.WriteField("");
                break;
            case string text:
                csv.WriteField(EscapeIndentedFormula(text));
                break;
            case double number when double.IsFinite(number):
                csv.WriteField(number, "R");
                break;
            case double:
                csv.WriteField("");
                break;
            case DateTimeOffset time:
                csv.WriteField(time.UtcDateTime, "O");
                break;
            case int or long:
                csv.WriteField(Convert.ToInt64(cell, CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"a CSV cell is text, a number, a time or an integer, not {cell.GetType().Name}", nameof(cell));
        }
    }

    /// <summary>
    /// CsvHelper escapes a formula at the first character; some spreadsheets trim leading spaces on import, so
    /// "  =1+1" is escaped too.
    /// </summary>
    private static string EscapeIndentedFormula(string text) =>
        text.StartsWith(' ') && text.TrimStart(' ') is [ '=' or '+' or '-' or '@', .. ] ? "'" + text : text;
}
