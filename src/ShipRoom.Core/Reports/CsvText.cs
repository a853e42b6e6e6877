using System.Globalization;
using System.Text;

namespace ShipRoom.Core.Reports;

/// <summary>
/// CSV as spreadsheets read it (RFC 4180 quoting), with a leading = + - @ (after spaces), tab or carriage return neutralised so that text a person typed is
/// never run as a formula when the export is opened.
/// </summary>
public static class CsvText
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var first = value.TrimStart(' ')[..Math.Min(1, value.TrimStart(' ').Length)];
        var safe = first is "=" or "+" or "-" or "@" || value[0] is '\t' or '\r' ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// Reads CSV as spreadsheets write it (RFC 4180): quoted fields, doubled quotes, commas and line breaks inside quotes.
    /// A final row left inside an open quote is dropped, so a caller can tell a truncated file by the count.
    /// </summary>
    public static IReadOnlyList<string[]> ReadRows(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (!quoted && (field.Length > 0 || row.Count > 0))
        {
            row.Add(field.ToString().TrimEnd('\r'));
            rows.Add([.. row]);
        }

        return rows;
    }

    /// <summary>A header row and one row per item; every cell goes through <see cref="Field"/> unless it is a number or time already formatted.</summary>
    public static string Table<T>(IEnumerable<string> header, IEnumerable<T> rows, Func<T, IEnumerable<string>> cells)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', header).Append('\n');
        foreach (var row in rows)
        {
            csv.AppendJoin(',', cells(row)).Append('\n');
        }

        return csv.ToString();
    }
}
